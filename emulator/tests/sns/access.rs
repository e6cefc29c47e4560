//! Topic policies, queue policies and regions under each profile.

use crate::common::{
    HOME_REGION, OTHER, OTHER_REGION, OWNER, drain_json, error_of, outcome, queue, sns, sqs, start_profile, subscribe,
    topic,
};

#[tokio::test]
async fn enforced_delivery_needs_queue_policy() {
    for profile in ["aws", "localstack-enforce-iam"] {
        let server = start_profile(profile).await;
        let owner = sns(&server, OWNER, HOME_REGION);
        let owner_sqs = sqs(&server, OWNER, HOME_REGION);
        let topic_arn = topic(&owner, "guarded").await;

        let policy = format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Service": "sns.amazonaws.com"}},
                "Action": "sqs:SendMessage", "Resource": "*",
                "Condition": {{"ArnEquals": {{"aws:SourceArn": "{topic_arn}"}}}}}}]}}"#
        );
        let open = queue(&owner_sqs, "open", Some(&policy)).await;
        let closed = queue(&owner_sqs, "closed", None).await;
        subscribe(&owner, &topic_arn, &open).await;
        subscribe(&owner, &topic_arn, &closed).await;

        owner.publish().topic_arn(&topic_arn).message("guarded message").send().await.expect("Publish");

        let delivered = drain_json(&owner_sqs, &open).await;
        assert_eq!(delivered.len(), 1, "{profile}: the queue whose policy allows the topic gets the message");
        assert_eq!(delivered[0]["Message"], "guarded message", "{profile}");
        assert!(drain_json(&owner_sqs, &closed).await.is_empty(), "{profile}: the queue without a policy gets nothing");

        server.shutdown().await;
    }
}

#[tokio::test]
async fn other_account_needs_topic_policy() {
    let expectations =
        [("localstack", "ok"), ("aws", "AuthorizationError"), ("localstack-enforce-iam", "AuthorizationError")];
    for (profile, expected) in expectations {
        let server = start_profile(profile).await;
        let owner = sns(&server, OWNER, HOME_REGION);
        let other = sns(&server, OTHER, HOME_REGION);
        let topic_arn = topic(&owner, "shared").await;

        let published = other.publish().topic_arn(&topic_arn).message("hello").send().await;
        assert_eq!(outcome(&published), expected, "{profile}: Publish from the other account");
        if let Err(error) = &published {
            assert_eq!(error_of(error).1, 403, "{profile}: AuthorizationError is HTTP 403");
        }
        let attributes = other.get_topic_attributes().topic_arn(&topic_arn).send().await;
        assert_eq!(outcome(&attributes), expected, "{profile}: GetTopicAttributes from the other account");

        // The owner grants Publish to the other account.
        owner
            .add_permission()
            .topic_arn(&topic_arn)
            .label("partner")
            .aws_account_id(OTHER)
            .action_name("Publish")
            .send()
            .await
            .expect("AddPermission");
        let granted = other.publish().topic_arn(&topic_arn).message("hello").send().await;
        assert_eq!(outcome(&granted), "ok", "{profile}: Publish after AddPermission");
        let not_granted = other.get_topic_attributes().topic_arn(&topic_arn).send().await;
        assert_eq!(outcome(&not_granted), expected, "{profile}: GetTopicAttributes was not granted");

        // Tagging is not among the operations that work across accounts.
        let tagged = other.list_tags_for_resource().resource_arn(&topic_arn).send().await;
        let expected_tagging = if profile == "localstack" { "NotFound" } else { "AuthorizationError" };
        assert_eq!(outcome(&tagged), expected_tagging, "{profile}: ListTagsForResource from the other account");

        server.shutdown().await;
    }
}

#[tokio::test]
async fn other_region_topic_depends_on_profile() {
    for (profile, expected) in [("localstack", "ok"), ("aws", "InvalidParameter")] {
        let server = start_profile(profile).await;
        let owner = sns(&server, OWNER, HOME_REGION);
        let far = sns(&server, OWNER, OTHER_REGION);
        let topic_arn = topic(&owner, "regional").await;

        let published = far.publish().topic_arn(&topic_arn).message("from afar").send().await;
        assert_eq!(outcome(&published), expected, "{profile}: Publish from another region");

        let listed = far.list_topics().send().await.expect("ListTopics");
        assert!(listed.topics().is_empty(), "{profile}: ListTopics shows only the caller's region");

        server.shutdown().await;
    }
}

#[tokio::test]
async fn enforced_delivery_crosses_accounts_and_regions() {
    let server = start_profile("aws").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    // The other account calls SNS in the topic's region, and keeps its queues in another region.
    let other = sns(&server, OTHER, HOME_REGION);
    let other_far_sqs = sqs(&server, OTHER, OTHER_REGION);
    let topic_arn = topic(&owner, "outbound").await;

    let by_service = format!(
        r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Service": "sns.amazonaws.com"}},
            "Action": "sqs:SendMessage", "Condition": {{"ArnEquals": {{"aws:SourceArn": "{topic_arn}"}}}}}}]}}"#
    );
    let by_account = format!(
        r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{OWNER}"}}, "Action": "sqs:SendMessage"}}]}}"#
    );
    let service_queue = queue(&other_far_sqs, "by-service", Some(&by_service)).await;
    let account_queue = queue(&other_far_sqs, "by-account", Some(&by_account)).await;

    // Subscribe needs the owner's grant under `aws`.
    let refused = other.subscribe().topic_arn(&topic_arn).protocol("sqs").endpoint(&service_queue.arn).send().await;
    assert_eq!(outcome(&refused), "AuthorizationError", "Subscribe before the grant");
    owner
        .add_permission()
        .topic_arn(&topic_arn)
        .label("subscribers")
        .aws_account_id(OTHER)
        .action_name("Subscribe")
        .send()
        .await
        .expect("AddPermission");
    subscribe(&other, &topic_arn, &service_queue).await;
    subscribe(&other, &topic_arn, &account_queue).await;

    owner.publish().topic_arn(&topic_arn).message("far away").send().await.expect("Publish");

    for (label, target) in [("service principal", &service_queue), ("topic account", &account_queue)] {
        let delivered = drain_json(&other_far_sqs, target).await;
        assert_eq!(delivered.len(), 1, "{label}: one envelope in the other account and region");
        assert_eq!(delivered[0]["Message"], "far away", "{label}");
        assert_eq!(delivered[0]["TopicArn"], topic_arn.as_str(), "{label}");
    }

    server.shutdown().await;
}
