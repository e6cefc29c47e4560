//! Each property `crosscheck::generate::properties::judge` checks can fail.
//!
//! Every test builds a small case by hand, runs it against the bundled
//! emulator under `localstack` (which serves every call across accounts),
//! checks that the honest run agrees with the model, and then plants one
//! fault. A fault is either a changed step input, which makes the emulator
//! do what a faulty one would (send a message to, or delete, the caller's
//! same-named resource), or a changed response of the run. The judge must
//! report the fault's kind of disagreement.

use crosscheck::driver::Registry;
use crosscheck::generate::case::{
    BucketSpec, CallSpec, Case, FunctionAddressForm, FunctionSpec, KeySpec, KmsCall, LambdaCall, LayerAddressForm,
    LayerSpec, QueueSpec, ResourceSpec, S3Call, SecretCall, SecretSpec, ServiceCall, SqsCall,
};
use crosscheck::generate::emit::{Generated, emit};
use crosscheck::generate::properties::{Disagreement, DisagreementKind, judge};
use crosscheck::generate::world::{Account, KeyForm, Pick, Place, World};
use crosscheck::report::ScenarioResult;
use crosscheck::runner::run_scenario;
use crosscheck::scenario::Addressing;
use crosscheck::target::TargetSpec;
use crosscheck_emulator::access::Profile;
use serde_json::{Value, json};

const OWNER: Place = Place { account: Pick(1), region: Pick(0) };
const CALLER: Place = Place { account: Pick(0), region: Pick(0) };

fn world() -> World {
    World {
        accounts: vec![
            Account { id: "111111111111".to_owned(), key_form: KeyForm::AccountId, addressing: Addressing::Default },
            Account {
                id: "222222222222".to_owned(),
                key_form: KeyForm::AccountId,
                addressing: Addressing::VirtualHost,
            },
        ],
        regions: vec!["us-east-1".to_owned()],
    }
}

fn call(caller: Place, decoy: bool, call: ServiceCall) -> CallSpec {
    CallSpec { caller, decoy, call }
}

async fn run(generated: &Generated) -> ScenarioResult {
    let registry = Registry::with_default_drivers();
    run_scenario(&generated.scenario, Profile::Localstack, &TargetSpec::Bundled, &registry)
        .await
        .expect("the bundled emulator runs the scenario")
}

/// Emits `case`, runs it honestly and checks that nothing disagrees.
async fn honest_run(case: &Case) -> (Generated, ScenarioResult) {
    let generated = emit(case, Profile::Localstack, "");
    let result = run(&generated).await;
    let disagreements = judge(&generated, &result);
    assert!(disagreements.is_empty(), "the honest run disagrees: {disagreements:?}");
    (generated, result)
}

/// Returns the index of the first step of `operation` (`service.Operation`).
fn step_index(generated: &Generated, operation: &str) -> usize {
    generated
        .scenario
        .steps
        .iter()
        .position(|step| step.call.to_string() == operation)
        .unwrap_or_else(|| panic!("the scenario has no {operation} step"))
}

/// Returns the response of step `index` for changing.
fn response_mut(result: &mut ScenarioResult, index: usize) -> &mut Value {
    &mut result.steps[index].outcome.as_mut().expect("the step ran").response
}

/// Returns the wrong-response disagreement about `operation`, and fails the test without one.
fn wrong_response<'a>(disagreements: &'a [Disagreement], operation: &str) -> &'a Disagreement {
    let found = disagreements.iter().find(|disagreement| {
        matches!(&disagreement.kind, DisagreementKind::WrongResponse { operation: named, .. } if named == operation)
    });
    found.unwrap_or_else(|| panic!("no wrong response of {operation}: {:?}", kinds(disagreements)))
}

fn kinds(disagreements: &[Disagreement]) -> Vec<String> {
    disagreements.iter().map(|disagreement| disagreement.kind.to_string()).collect()
}

#[tokio::test]
async fn message_count_catches_wrong_queue() {
    let case = Case {
        world: world(),
        resources: vec![ResourceSpec::Queue(QueueSpec { name: Pick(0), place: OWNER, policy: None })],
        calls: vec![
            call(CALLER, true, ServiceCall::Sqs(SqsCall::SendMessage(Pick(0)))),
            call(OWNER, false, ServiceCall::Sqs(SqsCall::GetQueueAttributes(Pick(0)))),
        ],
    };
    let (mut generated, _) = honest_run(&case).await;

    // The message goes to the caller's same-named queue instead.
    let send = step_index(&generated, "sqs.SendMessage");
    generated.scenario.steps[send].input["QueueUrl"] = json!("${q2}");
    let result = run(&generated).await;

    let found = judge(&generated, &result);
    let wrong = wrong_response(&found, "sqs.GetQueueAttributes");
    assert!(wrong.detail.contains("ApproximateNumberOfMessages"), "{}", wrong.detail);
}

#[tokio::test]
async fn bucket_location_names_bucket() {
    let mut world = world();
    world.regions.push("eu-west-1".to_owned());
    let path_actor_abroad = Place { account: Pick(0), region: Pick(1) };
    let case = Case {
        world,
        resources: vec![
            ResourceSpec::Bucket(BucketSpec { name: Pick(0), place: OWNER, policy: None }),
            ResourceSpec::Bucket(BucketSpec { name: Pick(1), place: path_actor_abroad, policy: None }),
        ],
        calls: vec![call(OWNER, false, ServiceCall::S3(S3Call::ListObjectsV2(Pick(0))))],
    };
    let (generated, mut result) = honest_run(&case).await;
    let creates: Vec<usize> = (0..generated.scenario.steps.len())
        .filter(|index| generated.scenario.steps[*index].call.to_string() == "s3.CreateBucket")
        .collect();
    assert_eq!(creates.len(), 2, "one CreateBucket per bucket");
    let names: Vec<String> = creates
        .iter()
        .map(|index| generated.scenario.steps[*index].input["Bucket"].as_str().expect("a bucket name").to_owned())
        .collect();

    assert_eq!(response_mut(&mut result, creates[0])["Location"], json!(format!("/{}", names[0])));
    let abroad = response_mut(&mut result, creates[1])["Location"].as_str().unwrap_or_default().to_owned();
    assert!(abroad.contains(names[1].as_str()), "{abroad}");

    // Each CreateBucket returns the other bucket's location.
    response_mut(&mut result, creates[0])["Location"] = json!(format!("/{}", names[1]));
    response_mut(&mut result, creates[1])["Location"] = json!(format!("http://{}.s3.amazonaws.com/", names[0]));

    let found = judge(&generated, &result);
    for (index, name) in creates.iter().zip(&names) {
        let flagged = found.iter().find(|disagreement| {
            disagreement.step == index + 1
                && matches!(&disagreement.kind, DisagreementKind::ForeignAddress { operation } if operation == "s3.CreateBucket")
        });
        let flagged = flagged.unwrap_or_else(|| panic!("the Location of {name} passes: {:?}", kinds(&found)));
        assert!(flagged.detail.contains(name.as_str()), "{}", flagged.detail);
    }
}

#[tokio::test]
async fn object_count_catches_wrong_bucket() {
    let case = Case {
        world: world(),
        resources: vec![
            ResourceSpec::Bucket(BucketSpec { name: Pick(0), place: OWNER, policy: None }),
            ResourceSpec::Bucket(BucketSpec { name: Pick(1), place: CALLER, policy: None }),
        ],
        calls: vec![
            call(CALLER, false, ServiceCall::S3(S3Call::PutObject(Pick(0), Pick(0)))),
            call(OWNER, false, ServiceCall::S3(S3Call::ListObjectsV2(Pick(0)))),
        ],
    };
    let (mut generated, _) = honest_run(&case).await;

    // The object lands in the caller's own bucket instead.
    let put = step_index(&generated, "s3.PutObject");
    generated.scenario.steps[put].input["Bucket"] = json!("crosscheck-archive");
    let result = run(&generated).await;

    let found = judge(&generated, &result);
    let wrong = wrong_response(&found, "s3.ListObjectsV2");
    assert!(wrong.detail.contains("KeyCount"), "{}", wrong.detail);
}

#[tokio::test]
async fn queue_deletion_reaches_same_named_queue() {
    let case = Case {
        world: world(),
        resources: vec![ResourceSpec::Queue(QueueSpec { name: Pick(0), place: OWNER, policy: None })],
        calls: vec![call(CALLER, true, ServiceCall::Sqs(SqsCall::DeleteQueue(Pick(0))))],
    };
    let (mut generated, _) = honest_run(&case).await;
    let read = step_index(&generated, "sqs.GetQueueAttributes");
    assert_eq!(
        generated.scenario.steps[read].input["QueueUrl"],
        json!("${q2}"),
        "the decoy is read after the deletion"
    );

    // DeleteQueue removes the caller's same-named queue instead.
    let delete = step_index(&generated, "sqs.DeleteQueue");
    generated.scenario.steps[delete].input["QueueUrl"] = json!("${q2}");
    let result = run(&generated).await;

    let found = judge(&generated, &result);
    let read_fails = found.iter().any(|disagreement| {
        disagreement.step == read + 1
            && matches!(&disagreement.kind, DisagreementKind::WrongClass { operation, .. } if operation == "sqs.GetQueueAttributes")
    });
    assert!(read_fails, "the read of the deleted decoy passes: {:?}", kinds(&found));
}

#[tokio::test]
async fn function_deletion_reaches_same_named_function() {
    let function = FunctionSpec { name: Pick(0), place: OWNER, alias: false, permission: None };
    let case = Case {
        world: world(),
        resources: vec![ResourceSpec::Function(function)],
        calls: vec![call(CALLER, true, ServiceCall::Lambda(LambdaCall::DeleteFunction(Pick(0))))],
    };
    let (mut generated, _) = honest_run(&case).await;
    let read = step_index(&generated, "lambda.GetFunctionConfiguration");
    assert_eq!(generated.scenario.steps[read].input["FunctionName"], json!("${f1}"), "the owner reads its function");

    // DeleteFunction removes the owner's function of that name instead of the caller's.
    let delete = step_index(&generated, "lambda.DeleteFunction");
    generated.scenario.steps[delete].input["FunctionName"] = json!("${f1}");
    let result = run(&generated).await;

    let found = judge(&generated, &result);
    let read_fails = found.iter().any(|disagreement| {
        disagreement.step == read + 1
            && matches!(&disagreement.kind, DisagreementKind::WrongClass { operation, .. } if operation == "lambda.GetFunctionConfiguration")
    });
    assert!(read_fails, "the read of the deleted function passes: {:?}", kinds(&found));
}

#[tokio::test]
async fn invoke_catches_same_named_function() {
    let function = FunctionSpec { name: Pick(0), place: OWNER, alias: false, permission: None };
    let case = Case {
        world: world(),
        resources: vec![ResourceSpec::Function(function)],
        calls: vec![
            call(CALLER, true, ServiceCall::Lambda(LambdaCall::Invoke(Pick(0), FunctionAddressForm::Arn))),
            call(
                CALLER,
                true,
                ServiceCall::Lambda(LambdaCall::GetFunctionConfiguration(Pick(0), FunctionAddressForm::Arn)),
            ),
        ],
    };
    let (generated, mut result) = honest_run(&case).await;

    // The caller's own function ran, and the configuration names the caller's account.
    let invoke = step_index(&generated, "lambda.Invoke");
    response_mut(&mut result, invoke)["Payload"]["mark"] = json!(generated.functions[1].mark);
    let configuration = step_index(&generated, "lambda.GetFunctionConfiguration");
    response_mut(&mut result, configuration)["FunctionArn"] = json!(generated.functions[1].arn);

    let found = judge(&generated, &result);
    assert!(
        found.iter().any(|disagreement| disagreement.step == invoke + 1
            && matches!(disagreement.kind, DisagreementKind::WrongNamespaceAnswered { .. })),
        "{:?}",
        kinds(&found)
    );
    assert!(
        found.iter().any(|disagreement| disagreement.step == configuration + 1
            && matches!(disagreement.kind, DisagreementKind::ForeignAddress { .. })),
        "{:?}",
        kinds(&found)
    );
}

#[tokio::test]
async fn create_function_catches_foreign_arn() {
    let function = FunctionSpec { name: Pick(0), place: OWNER, alias: false, permission: None };
    let case = Case {
        world: world(),
        resources: vec![ResourceSpec::Function(function)],
        calls: vec![call(OWNER, false, ServiceCall::Lambda(LambdaCall::ListFunctions))],
    };
    let (generated, mut result) = honest_run(&case).await;

    let create = step_index(&generated, "lambda.CreateFunction");
    response_mut(&mut result, create)["FunctionArn"] = json!("arn:aws:lambda:us-east-1:111111111111:function:pricing");

    let found = judge(&generated, &result);
    assert!(
        found.iter().any(|disagreement| matches!(&disagreement.kind, DisagreementKind::ForeignAddress { operation } if operation == "lambda.CreateFunction")),
        "{:?}",
        kinds(&found)
    );
}

#[tokio::test]
async fn list_functions_catches_leak_and_gap() {
    let function = FunctionSpec { name: Pick(0), place: OWNER, alias: false, permission: None };
    let case = Case {
        world: world(),
        resources: vec![ResourceSpec::Function(function)],
        calls: vec![call(OWNER, false, ServiceCall::Lambda(LambdaCall::ListFunctions))],
    };
    let (generated, mut result) = honest_run(&case).await;

    let list = step_index(&generated, "lambda.ListFunctions");
    let foreign = "arn:aws:lambda:us-east-1:111111111111:function:elsewhere";
    response_mut(&mut result, list)["Functions"] = json!([{ "FunctionArn": foreign }]);

    let found = kinds(&judge(&generated, &result));
    assert!(found.contains(&"leaked listing: lambda.ListFunctions".to_owned()), "{found:?}");
    assert!(found.contains(&"incomplete listing: lambda.ListFunctions".to_owned()), "{found:?}");
}

#[tokio::test]
async fn list_keys_catches_leak_and_gap() {
    let case = Case {
        world: world(),
        resources: vec![ResourceSpec::Key(KeySpec { alias: Pick(0), place: OWNER, policy: None })],
        calls: vec![call(OWNER, false, ServiceCall::Kms(KmsCall::ListKeys))],
    };
    let (generated, mut result) = honest_run(&case).await;

    let list = step_index(&generated, "kms.ListKeys");
    let foreign = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000";
    response_mut(&mut result, list)["Keys"] = json!([{ "KeyArn": foreign }]);

    let found = kinds(&judge(&generated, &result));
    assert!(found.contains(&"leaked listing: kms.ListKeys".to_owned()), "{found:?}");
    assert!(found.contains(&"incomplete listing: kms.ListKeys".to_owned()), "{found:?}");
}

#[tokio::test]
async fn layer_use_catches_same_named_layer() {
    let case = Case {
        world: world(),
        resources: vec![ResourceSpec::Layer(LayerSpec { place: OWNER, grant: None })],
        calls: vec![
            call(CALLER, true, ServiceCall::Lambda(LambdaCall::UseLayer(Pick(0)))),
            call(CALLER, false, ServiceCall::Lambda(LambdaCall::ListLayers)),
        ],
    };
    let (generated, mut result) = honest_run(&case).await;

    // The function imported the caller's own same-named layer, and the
    // listing shows the owner's layer instead of the caller's.
    let invoke = step_index(&generated, "lambda.Invoke");
    response_mut(&mut result, invoke)["Payload"]["layer"] = json!(generated.layers[1].mark);
    let list = step_index(&generated, "lambda.ListLayers");
    response_mut(&mut result, list)["Layers"] = json!([{ "LayerArn": generated.layers[0].arn }]);
    let publish = step_index(&generated, "lambda.PublishLayerVersion");
    response_mut(&mut result, publish)["LayerArn"] = json!(generated.layers[1].arn);

    let found = judge(&generated, &result);
    assert!(
        found.iter().any(|disagreement| disagreement.step == invoke + 1
            && matches!(disagreement.kind, DisagreementKind::WrongNamespaceAnswered { .. })),
        "{:?}",
        kinds(&found)
    );
    let found = kinds(&found);
    assert!(found.contains(&"foreign address: lambda.PublishLayerVersion".to_owned()), "{found:?}");
    assert!(found.contains(&"leaked listing: lambda.ListLayers".to_owned()), "{found:?}");
    assert!(found.contains(&"incomplete listing: lambda.ListLayers".to_owned()), "{found:?}");
}

#[tokio::test]
async fn layer_deletion_reaches_same_named_layer() {
    let case = Case {
        world: world(),
        resources: vec![ResourceSpec::Layer(LayerSpec { place: OWNER, grant: None })],
        calls: vec![
            call(CALLER, true, ServiceCall::Lambda(LambdaCall::GetLayerVersion(Pick(0), LayerAddressForm::Name))),
            call(
                CALLER,
                false,
                ServiceCall::Lambda(LambdaCall::ListLayerVersions(Pick(0), LayerAddressForm::LayerArn)),
            ),
            call(CALLER, false, ServiceCall::Lambda(LambdaCall::DeleteLayerVersion(Pick(0)))),
        ],
    };
    let (mut generated, _) = honest_run(&case).await;
    let delete = step_index(&generated, "lambda.DeleteLayerVersion");
    let read = (delete + 1..generated.scenario.steps.len())
        .find(|index| generated.scenario.steps[*index].call.to_string() == "lambda.GetLayerVersion")
        .expect("the decoy's owner reads its layer after the deletion");
    let steps = &generated.scenario.steps;
    assert_ne!(steps[delete].actor, steps[read].actor, "the layer's owner deletes, the decoy's owner reads");
    assert_eq!(steps[read].input["LayerName"], json!(generated.layers[1].arn));
    assert_eq!(steps[read].input["VersionNumber"], json!(1));

    // DeleteLayerVersion removes the decoy's version instead of the owner's.
    generated.scenario.steps[delete].input["LayerName"] = json!(generated.layers[1].arn);
    let result = run(&generated).await;

    let found = judge(&generated, &result);
    let read_fails = found.iter().any(|disagreement| {
        disagreement.step == read + 1
            && matches!(&disagreement.kind, DisagreementKind::WrongClass { operation, .. } if operation == "lambda.GetLayerVersion")
    });
    assert!(read_fails, "the decoy's read after the deletion passes: {:?}", kinds(&found));
}

#[tokio::test]
async fn key_deletion_reaches_same_aliased_key() {
    let case = Case {
        world: world(),
        resources: vec![ResourceSpec::Key(KeySpec { alias: Pick(0), place: OWNER, policy: None })],
        calls: vec![call(CALLER, true, ServiceCall::Kms(KmsCall::ScheduleKeyDeletion(Pick(0))))],
    };
    let (mut generated, _) = honest_run(&case).await;
    let schedule = step_index(&generated, "kms.ScheduleKeyDeletion");
    let steps = &generated.scenario.steps;
    assert_eq!(steps[schedule].input["PendingWindowInDays"], json!(7));
    assert_eq!(steps[schedule + 1].call.to_string(), "kms.Encrypt", "the owner uses its pending key");
    let read = step_index(&generated, "kms.DescribeKey");
    assert!(read > schedule, "the decoy's owner describes its key after the deletion");
    assert_ne!(steps[schedule].actor, steps[read].actor, "the key's owner schedules, the decoy's owner reads");
    assert_eq!(steps[read].input["KeyId"], json!(generated.keys[1].alias));

    // The decoy's alias resolves to the owner's pending key instead of its own.
    generated.scenario.steps[read].input["KeyId"] = json!(format!("${{{}}}", generated.keys[0].variable));
    let result = run(&generated).await;

    let found = judge(&generated, &result);
    let read_differs = found.iter().any(|disagreement| {
        disagreement.step == read + 1
            && matches!(
                disagreement.kind,
                DisagreementKind::WrongResponse { .. } | DisagreementKind::WrongNamespaceAnswered { .. }
            )
    });
    assert!(read_differs, "the read of the pending key passes: {:?}", kinds(&found));
}

#[tokio::test]
async fn secret_deletion_reaches_same_named_secret() {
    let case = Case {
        world: world(),
        resources: vec![ResourceSpec::Secret(SecretSpec { name: Pick(0), place: OWNER, policy: None })],
        calls: vec![call(CALLER, true, ServiceCall::SecretsManager(SecretCall::DeleteSecret(Pick(0))))],
    };
    let (mut generated, _) = honest_run(&case).await;
    let read = step_index(&generated, "secretsmanager.DescribeSecret");
    assert_eq!(generated.scenario.steps[read].input["SecretId"], json!("${s1}"), "the owner reads its secret");

    // DeleteSecret removes the owner's secret of that name instead of the caller's.
    let delete = step_index(&generated, "secretsmanager.DeleteSecret");
    generated.scenario.steps[delete].input["SecretId"] = json!("${s1}");
    let result = run(&generated).await;

    let found = judge(&generated, &result);
    let read_fails = found.iter().any(|disagreement| {
        disagreement.step == read + 1
            && matches!(&disagreement.kind, DisagreementKind::WrongClass { operation, .. } if operation == "secretsmanager.DescribeSecret")
    });
    assert!(read_fails, "the read of the deleted secret passes: {:?}", kinds(&found));
}
