//! ListSecrets ordering: SortBy and SortOrder, across pages of one secret.
//! SortBy is one of created-date (the default), last-accessed-date,
//! last-changed-date and name in the API model (botocore 1.43.11).

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::types::{SortByType, SortOrderType};

use crate::common::{HOME_REGION, OWNER, client, create_secret, message_of, outcome, start};

/// Lists every secret's name, one per page, in the given order.
async fn names_in_order(client: &Client, sort_by: SortByType, sort_order: SortOrderType) -> Vec<String> {
    let mut names = Vec::new();
    let mut next_token: Option<String> = None;
    for _ in 0..20 {
        let page = client
            .list_secrets()
            .sort_by(sort_by.clone())
            .sort_order(sort_order.clone())
            .max_results(1)
            .set_next_token(next_token.take())
            .send()
            .await
            .expect("ListSecrets");
        names.extend(page.secret_list().iter().filter_map(|entry| entry.name().map(str::to_owned)));
        next_token = page.next_token().map(str::to_owned);
        if next_token.is_none() {
            break;
        }
    }
    names
}

#[tokio::test]
async fn list_secrets_honours_sort_by() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    for name in ["charlie", "alpha", "bravo"] {
        create_secret(&owner, name, "x").await;
    }
    // LastChangedDate is in seconds with a fraction, so this change sorts last.
    owner.update_secret().secret_id("charlie").description("changed").send().await.expect("UpdateSecret");

    let by_name = names_in_order(&owner, SortByType::Name, SortOrderType::Asc).await;
    assert_eq!(by_name, ["alpha", "bravo", "charlie"], "SortBy name asc");
    let by_name_desc = names_in_order(&owner, SortByType::Name, SortOrderType::Desc).await;
    assert_eq!(by_name_desc, ["charlie", "bravo", "alpha"], "SortBy name desc");
    let by_created = names_in_order(&owner, SortByType::CreatedDate, SortOrderType::Asc).await;
    assert_eq!(by_created, ["charlie", "alpha", "bravo"], "SortBy created-date asc");
    let by_changed = names_in_order(&owner, SortByType::LastChangedDate, SortOrderType::Asc).await;
    assert_eq!(by_changed, ["alpha", "bravo", "charlie"], "SortBy last-changed-date asc");

    let invalid = owner.list_secrets().sort_by(SortByType::from("size")).send().await;
    assert_eq!(outcome(&invalid), "ValidationException", "an unknown SortBy");
    assert!(message_of(&invalid).contains("size"), "the message names the value: {}", message_of(&invalid));
    server.shutdown().await;
}
