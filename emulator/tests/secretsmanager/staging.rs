//! Staging labels at the edges of the PutSecretValue contract
//! (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html>).

use crate::common::{HOME_REGION, OWNER, client, current_value, message_of, outcome, start};

#[tokio::test]
async fn first_put_gets_awscurrent() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    owner.create_secret().name("empty").send().await.expect("CreateSecret without a value");

    // AWS: "If this operation creates the first version for the secret, then
    // Secrets Manager automatically attaches the staging label AWSCURRENT to it."
    let put = owner
        .put_secret_value()
        .secret_id("empty")
        .secret_string("first")
        .version_stages("CANDIDATE")
        .send()
        .await
        .expect("PutSecretValue CANDIDATE");
    let mut stages = put.version_stages().to_vec();
    stages.sort();
    assert_eq!(stages, ["AWSCURRENT", "CANDIDATE"], "the returned labels include AWSCURRENT");
    assert_eq!(current_value(&owner, "empty").await, "first", "the first version is current");

    // The second put under a custom label leaves AWSCURRENT on the first version.
    owner
        .put_secret_value()
        .secret_id("empty")
        .secret_string("second")
        .version_stages("NEXT")
        .send()
        .await
        .expect("PutSecretValue NEXT");
    assert_eq!(current_value(&owner, "empty").await, "first", "AWSCURRENT stays on the first version");
    server.shutdown().await;
}

#[tokio::test]
async fn repeated_label_counts_once() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    owner.create_secret().name("labelled").secret_string("one").send().await.expect("CreateSecret");
    let put = owner
        .put_secret_value()
        .secret_id("labelled")
        .secret_string("two")
        .version_stages("TWICE")
        .version_stages("TWICE")
        .send()
        .await
        .expect("PutSecretValue");
    assert_eq!(put.version_stages(), ["TWICE"], "the returned labels");

    let described = owner.describe_secret().secret_id("labelled").send().await.expect("DescribeSecret");
    let version_id = put.version_id().expect("VersionId");
    let stored = described.version_ids_to_stages().and_then(|stages| stages.get(version_id)).cloned();
    assert_eq!(stored, Some(vec!["TWICE".to_owned()]), "the stored labels");
    server.shutdown().await;
}

#[tokio::test]
async fn secret_holds_at_most_twenty_labels() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let created = owner.create_secret().name("crowded").secret_string("one").send().await.expect("CreateSecret");
    let version_id = created.version_id().expect("VersionId").to_owned();

    // AWSCURRENT and 19 custom labels make the quota of 20 labels across all
    // versions, as an earlier version of the quota page lists it
    // (<https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html>).
    for index in 0..19 {
        owner
            .update_secret_version_stage()
            .secret_id("crowded")
            .version_stage(format!("LABEL{index}"))
            .move_to_version_id(&version_id)
            .send()
            .await
            .unwrap_or_else(|error| panic!("label {index}: {error:?}"));
    }
    let moved = owner
        .update_secret_version_stage()
        .secret_id("crowded")
        .version_stage("LABEL20")
        .move_to_version_id(&version_id)
        .send()
        .await;
    assert_eq!(outcome(&moved), "LimitExceededException", "a 21st label by UpdateSecretVersionStage");
    assert!(message_of(&moved).contains("LABEL20"), "the message names the label: {}", message_of(&moved));
    let put = owner.put_secret_value().secret_id("crowded").secret_string("two").version_stages("EXTRA").send().await;
    assert_eq!(outcome(&put), "LimitExceededException", "a 21st label by PutSecretValue");

    let again =
        owner.put_secret_value().secret_id("crowded").secret_string("two").version_stages("LABEL3").send().await;
    assert_eq!(outcome(&again), "ok", "a label the secret has moves without a new one: {}", message_of(&again));
    let described = owner.describe_secret().secret_id("crowded").send().await.expect("DescribeSecret");
    let label_count: usize = described.version_ids_to_stages().map_or(0, |stages| stages.values().map(Vec::len).sum());
    assert_eq!(label_count, 20, "the failed calls added no label");
    server.shutdown().await;
}
