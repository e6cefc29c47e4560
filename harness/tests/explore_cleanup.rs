//! Exploring a live target leaves nothing behind. After the explorer ran
//! generated cases of every service against an emulator served on
//! 127.0.0.1, no queue, topic, secret, bucket, function or layer is left in
//! any account or region the worlds draw from. Every KMS key is pending
//! deletion, the closest KMS comes to deleting one.

use aws_credential_types::Credentials;
use crosscheck::driver::Registry;
use crosscheck::generate::case::{CallSpec, Case, LambdaCall, LayerSpec, ResourceSpec, Service, ServiceCall};
use crosscheck::generate::cleanup::cleanup_scenario;
use crosscheck::generate::emit::emit;
use crosscheck::generate::explore::{DEFAULT_MAX_SHRINK_RUNS, ExploreOptions, Explorer};
use crosscheck::generate::world::{ACCOUNT_POOL, Account, KeyForm, Pick, Place, REGION_POOL, World};
use crosscheck::outcome::OutcomeClass;
use crosscheck::runner::run_scenario;
use crosscheck::scenario::Addressing;
use crosscheck::target::TargetSpec;
use crosscheck_emulator::Config;
use crosscheck_emulator::access::Profile;
use crosscheck_emulator::server::ServerHandle;

fn credentials(account: &str) -> Credentials {
    Credentials::new(account, "test", None, None, "crosscheck-tests")
}

/// Builds a client of the SDK crate `$sdk` acting as `$account` in `$region` against `$server`.
macro_rules! client {
    ($sdk:ident, $server:expr, $account:expr, $region:expr) => {
        $sdk::Client::from_conf(
            $sdk::Config::builder()
                .behavior_version($sdk::config::BehaviorVersion::latest())
                .region($sdk::config::Region::new($region.to_owned()))
                .credentials_provider(credentials($account))
                .endpoint_url($server.endpoint_url())
                .build(),
        )
    };
}

/// Returns, per service, what is left in `account` / `region`.
async fn leftovers(server: &ServerHandle, account: &str, region: &str) -> Vec<String> {
    let mut left = Vec::new();

    let queues = client!(aws_sdk_sqs, server, account, region).list_queues().send().await.expect("ListQueues");
    left.extend(queues.queue_urls().iter().map(|url| format!("queue {url}")));

    let topics = client!(aws_sdk_sns, server, account, region).list_topics().send().await.expect("ListTopics");
    left.extend(topics.topics().iter().filter_map(|topic| topic.topic_arn()).map(|arn| format!("topic {arn}")));

    let secrets =
        client!(aws_sdk_secretsmanager, server, account, region).list_secrets().send().await.expect("ListSecrets");
    left.extend(secrets.secret_list().iter().filter_map(|secret| secret.arn()).map(|arn| format!("secret {arn}")));

    let lambda = client!(aws_sdk_lambda, server, account, region);
    let functions = lambda.list_functions().send().await.expect("ListFunctions");
    left.extend(functions.functions().iter().filter_map(|f| f.function_arn()).map(|arn| format!("function {arn}")));
    let layers = lambda.list_layers().send().await.expect("ListLayers");
    left.extend(layers.layers().iter().filter_map(|layer| layer.layer_arn()).map(|arn| format!("layer {arn}")));

    let kms = client!(aws_sdk_kms, server, account, region);
    let aliases = kms.list_aliases().send().await.expect("ListAliases");
    left.extend(
        aliases
            .aliases()
            .iter()
            .filter_map(|alias| alias.alias_name())
            .filter(|name| !name.starts_with("alias/aws/"))
            .map(|name| format!("alias {name}")),
    );
    let keys = kms.list_keys().send().await.expect("ListKeys");
    for key in keys.keys() {
        let id = key.key_id().expect("KeyId");
        let described = kms.describe_key().key_id(id).send().await.expect("DescribeKey");
        let metadata = described.key_metadata().expect("KeyMetadata");
        let managed = metadata.key_manager() == Some(&aws_sdk_kms::types::KeyManagerType::Aws);
        let pending = metadata.key_state() == Some(&aws_sdk_kms::types::KeyState::PendingDeletion);
        if !managed && !pending {
            left.push(format!("key {id} in state {:?}", metadata.key_state()));
        }
    }
    left
}

/// Returns the buckets `account` owns.
async fn buckets(server: &ServerHandle, account: &str) -> Vec<String> {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new(REGION_POOL[0]))
        .credentials_provider(credentials(account))
        .endpoint_url(server.endpoint_url())
        .force_path_style(true)
        .build();
    let listed = aws_sdk_s3::Client::from_conf(config).list_buckets().send().await.expect("ListBuckets");
    listed.buckets().iter().filter_map(|bucket| bucket.name()).map(|name| format!("bucket {name}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explore_deletes_what_cases_created() {
    let config = Config { access: Profile::Localstack.into(), ..Config::default() };
    let server =
        crosscheck_emulator::server::start(([127, 0, 0, 1], 0).into(), config).await.expect("the emulator starts");
    let target = TargetSpec::resolve(&server.endpoint_url(), None).expect("an endpoint URL is a target");
    let registry = Registry::with_default_drivers();
    // Seed 7 and 10 cases create every kind of resource checked below: without
    // the deletions, queues, topics, secrets, buckets, functions, layers,
    // aliases and enabled keys are left.
    let options = ExploreOptions {
        cases: 10,
        seed: 7,
        profile: Profile::Localstack,
        services: Service::ALL.to_vec(),
        max_shrink_runs: DEFAULT_MAX_SHRINK_RUNS,
    };
    let mut explorer = Explorer::new(options, &target, None, &registry);
    let report = explorer.run(|_| {}).await.expect("the exploration runs");
    assert!(report.counts.is_empty(), "the bundled rules agree with the model:\n{}", report.summary());

    let mut left = Vec::new();
    let mut keys_seen = 0;
    for account in ACCOUNT_POOL {
        left.extend(buckets(&server, account).await);
        for region in REGION_POOL {
            let found = leftovers(&server, account, region).await;
            left.extend(found);
            let kms = client!(aws_sdk_kms, server, account, region);
            keys_seen += kms.list_keys().send().await.expect("ListKeys").keys().len();
        }
    }
    server.shutdown().await;

    assert!(keys_seen > 0, "the cases created KMS keys, which stay listed while pending deletion");
    assert!(left.is_empty(), "resources left behind:\n{}", left.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_deletes_layer_user_function() {
    let config = Config { access: Profile::Localstack.into(), ..Config::default() };
    let server =
        crosscheck_emulator::server::start(([127, 0, 0, 1], 0).into(), config).await.expect("the emulator starts");
    let target = TargetSpec::resolve(&server.endpoint_url(), None).expect("an endpoint URL is a target");
    let registry = Registry::with_default_drivers();
    let (account, region) = (ACCOUNT_POOL[0], REGION_POOL[0]);
    let world = World {
        accounts: vec![Account {
            id: account.to_owned(),
            key_form: KeyForm::AccountId,
            addressing: Addressing::Default,
        }],
        regions: vec![region.to_owned()],
    };
    let owner = Place { account: Pick(0), region: Pick(0) };
    // UseLayer creates a function outside the fixture, in the caller's namespace.
    let case = Case {
        world,
        resources: vec![ResourceSpec::Layer(LayerSpec { place: owner, grant: None })],
        calls: vec![CallSpec { caller: owner, decoy: false, call: ServiceCall::Lambda(LambdaCall::UseLayer(Pick(0))) }],
    };
    let generated = emit(&case, Profile::Localstack, "-cleanup");
    let result =
        run_scenario(&generated.scenario, Profile::Localstack, &target, &registry).await.expect("the case runs");
    let created = result.steps.iter().any(|step| {
        step.operation == "lambda.CreateFunction"
            && step.outcome.as_ref().is_some_and(|outcome| outcome.class == OutcomeClass::Ok)
    });
    assert!(created, "the case created a function that uses the layer: {:?}", result.steps);

    let cleanup = cleanup_scenario(&generated, &result);
    run_scenario(&cleanup, Profile::Localstack, &target, &registry).await.expect("the cleanup runs");
    let left = leftovers(&server, account, region).await;
    server.shutdown().await;

    assert!(left.is_empty(), "resources left behind:\n{}", left.join("\n"));
}
