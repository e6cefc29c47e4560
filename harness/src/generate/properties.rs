//! Judges the run of a generated scenario: where the target's outcomes
//! depart from the model, and which properties beyond the outcome class the
//! responses break.
//!
//! Properties, checked on every response that succeeded:
//!
//! - a response to a call that names a queue by URL describes that queue:
//!   the `QueueArn` and the `owner` tag are the addressed queue's, not those
//!   of a same-named queue of another namespace;
//! - a bare queue name finds the queue of the namespace it acts in;
//! - a response to a call that names a topic by ARN describes that topic
//!   (its `TopicArn` attribute and its `owner` tag). Likewise a key or
//!   secret call gets that key or secret, and a function call that function
//!   (the mark its handler returns and its `Description`). A function made
//!   with a layer imports that layer's module, not a same-named layer's;
//! - ListQueues, ListTopics, ListKeys, ListAliases, ListSecrets,
//!   ListFunctions, ListLayers and ListBuckets list only resources of the caller's own
//!   namespace (account, for buckets), and every live one of them;
//! - the URL CreateQueue returns and the ARNs CreateTopic, CreateKey,
//!   CreateSecret and CreateFunction return name the creating account and
//!   region, as do the `LayerArn` PublishLayerVersion returns and the
//!   `FunctionArn` of GetFunction and GetFunctionConfiguration.
//!
//! Message and object counts are predicted (`ApproximateNumberOfMessages`
//! after each SendMessage and PurgeQueue, `KeyCount` after each PutObject
//! and DeleteObject), so a message or object that lands in another
//! namespace shows as a wrong response. After DeleteQueue, DeleteTopic,
//! DeleteSecret, DeleteFunction, DeleteLayerVersion and ScheduleKeyDeletion,
//! the owner of every other same-named (or same-aliased) resource reads it,
//! and the model predicts that it still exists.
//! NOTE: buckets are never deleted in a generated case, so bucket deletions
//! are not probed.

use std::fmt;

use crosscheck_emulator::access::Boundary;
use crosscheck_emulator::arn::{AddressKind, parse_queue_url};
use crosscheck_emulator::store::Namespace;
use serde_json::Value;

use super::emit::{Generated, StepFacts};
use super::model::FunctionState;
use crate::outcome::OutcomeClass;
use crate::report::{ScenarioResult, StepResult, Verdict};
use crate::scenario::Step;

/// A kind of disagreement. Reports group disagreements by it, and shrinking
/// keeps a smaller case only when it still shows the same kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DisagreementKind {
    /// A fixture step, which must succeed, failed.
    SetupFailed { operation: String, observed: OutcomeClass },
    /// The outcome class is not the one the model predicts.
    WrongClass {
        operation: String,
        boundary: Option<Boundary>,
        address_kind: Option<AddressKind>,
        expected: OutcomeClass,
        observed: OutcomeClass,
    },
    /// The response describes a resource of another namespace than the addressed one.
    WrongNamespaceAnswered { operation: String, address_kind: Option<AddressKind>, boundary: Option<Boundary> },
    /// A listing shows a resource of another namespace.
    LeakedListing { operation: String },
    /// A listing leaves out a live resource of the caller's namespace.
    IncompleteListing { operation: String },
    /// A returned URL or ARN does not name the resource's owner.
    ForeignAddress { operation: String },
    /// The class is right but the response lacks what the model expects.
    WrongResponse { operation: String, boundary: Option<Boundary> },
    /// The two targets of a lockstep run disagree on the class.
    TargetsDiffer { operation: String, boundary: Option<Boundary>, first: OutcomeClass, second: OutcomeClass },
}

fn boundary_text(boundary: Option<Boundary>) -> &'static str {
    boundary.map_or("no-resource", Boundary::as_str)
}

impl fmt::Display for DisagreementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DisagreementKind::SetupFailed { operation, observed } => {
                write!(f, "setup failed: {operation} returned {observed}")
            }
            DisagreementKind::WrongClass { operation, boundary, address_kind, expected, observed } => {
                let kind = address_kind.map_or("no-address", AddressKind::as_str);
                write!(
                    f,
                    "wrong class: {operation} {} by {kind}: expected {expected}, observed {observed}",
                    boundary_text(*boundary)
                )
            }
            DisagreementKind::WrongNamespaceAnswered { operation, address_kind, boundary } => {
                let kind = address_kind.map_or("no-address", AddressKind::as_str);
                write!(f, "wrong namespace answered: {operation} {} by {kind}", boundary_text(*boundary))
            }
            DisagreementKind::LeakedListing { operation } => write!(f, "leaked listing: {operation}"),
            DisagreementKind::IncompleteListing { operation } => write!(f, "incomplete listing: {operation}"),
            DisagreementKind::ForeignAddress { operation } => write!(f, "foreign address: {operation}"),
            DisagreementKind::WrongResponse { operation, boundary } => {
                write!(f, "wrong response: {operation} {}", boundary_text(*boundary))
            }
            DisagreementKind::TargetsDiffer { operation, boundary, first, second } => {
                write!(f, "targets differ: {operation} {}: {first} versus {second}", boundary_text(*boundary))
            }
        }
    }
}

/// One disagreement, at one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub kind: DisagreementKind,
    /// The step number, from 1.
    pub step: usize,
    /// The observed outcome or response, for people.
    pub detail: String,
}

/// Returns every disagreement of `result` with the model's `generated` scenario.
pub fn judge(generated: &Generated, result: &ScenarioResult) -> Vec<Disagreement> {
    let urls =
        created_values(generated, result, ("CreateQueue", "/QueueUrl"), generated.queues.len(), |facts| facts.queue);
    let key_arns =
        created_values(generated, result, ("CreateKey", "/KeyMetadata/Arn"), generated.keys.len(), |facts| facts.key);
    let secret_arns =
        created_values(generated, result, ("CreateSecret", "/ARN"), generated.secrets.len(), |facts| facts.secret);
    let mut found = Vec::new();

    for ((step, facts), observed) in generated.scenario.steps.iter().zip(&generated.steps).zip(&result.steps) {
        let operation = step.call.to_string();
        let Some(outcome) = &observed.outcome else {
            // A step that never ran follows an earlier failure, which is reported.
            continue;
        };
        let push = |found: &mut Vec<Disagreement>, kind: DisagreementKind, detail: String| {
            found.push(Disagreement { kind, step: step.number, detail });
        };

        if facts.fixture {
            if outcome.class != OutcomeClass::Ok {
                push(
                    &mut found,
                    DisagreementKind::SetupFailed { operation, observed: outcome.class },
                    outcome.summary(),
                );
            } else if let Some(queue) = facts.queue
                && let Some(url) = outcome.response.get("QueueUrl").and_then(Value::as_str)
                && !url_names(url, &generated.queues[queue].namespace)
            {
                let owner = &generated.queues[queue].namespace;
                let detail = format!("{url} does not name {}/{}", owner.account_id, owner.region);
                push(&mut found, DisagreementKind::ForeignAddress { operation }, detail);
            } else if let Some(topic) = facts.topic
                && let Some(arn) = outcome.response.get("TopicArn").and_then(Value::as_str)
                && arn != generated.topics[topic].arn
            {
                let detail = format!("{arn} is not the ARN {}", generated.topics[topic].arn);
                push(&mut found, DisagreementKind::ForeignAddress { operation }, detail);
            } else if let Some(key) = facts.key
                && let Some(arn) = outcome.response.pointer("/KeyMetadata/Arn").and_then(Value::as_str)
                && arn_namespace(arn).as_ref() != Some(&generated.keys[key].namespace)
            {
                let owner = &generated.keys[key].namespace;
                let detail = format!("{arn} does not name {}/{}", owner.account_id, owner.region);
                push(&mut found, DisagreementKind::ForeignAddress { operation }, detail);
            } else if let Some(function) = facts.function
                && step.call.operation == "CreateFunction"
                && let Some(arn) = outcome.response.get("FunctionArn").and_then(Value::as_str)
                && arn != generated.functions[function].arn
            {
                let detail = format!("{arn} is not the ARN {}", generated.functions[function].arn);
                push(&mut found, DisagreementKind::ForeignAddress { operation }, detail);
            } else if let Some(layer) = facts.layer
                && step.call.operation == "PublishLayerVersion"
                && let Some(arn) = outcome.response.get("LayerArn").and_then(Value::as_str)
                && arn != generated.layers[layer].arn
            {
                let detail = format!("{arn} is not the layer ARN {}", generated.layers[layer].arn);
                push(&mut found, DisagreementKind::ForeignAddress { operation }, detail);
            } else if let Some(detail) = wrong_bucket_location(step, &outcome.response) {
                push(&mut found, DisagreementKind::ForeignAddress { operation }, detail);
            } else if let Some(secret) = facts.secret
                && let Some(arn) = outcome.response.get("ARN").and_then(Value::as_str)
                && !arn.starts_with(&format!("{}-", generated.secrets[secret].partial_arn))
            {
                let detail = format!("{arn} is not an ARN of {}", generated.secrets[secret].partial_arn);
                push(&mut found, DisagreementKind::ForeignAddress { operation }, detail);
            }
            continue;
        }

        let Some(prediction) = &facts.prediction else { continue };
        if outcome.class != prediction.class {
            let kind = DisagreementKind::WrongClass {
                operation,
                boundary: facts.boundary,
                address_kind: facts.address_kind,
                expected: prediction.class,
                observed: outcome.class,
            };
            push(&mut found, kind, outcome.summary());
            continue;
        }
        if outcome.class != OutcomeClass::Ok {
            continue;
        }
        if let Some(detail) = wrong_bucket_location(step, &outcome.response) {
            push(&mut found, DisagreementKind::ForeignAddress { operation }, detail);
            continue;
        }

        let answered_by = match (facts.function, facts.topic, facts.key, facts.secret) {
            _ if facts.layer.is_some() => wrong_layer(generated, facts.layer, &step.call.operation, &outcome.response),
            (Some(function), ..) => wrong_function(generated, function, &step.call.operation, &outcome.response),
            (_, Some(topic), _, _) => wrong_topic(generated, topic, &step.call.operation, &outcome.response),
            (_, _, Some(key), _) => wrong_key(generated, key, &step.call.operation, &outcome.response, &key_arns),
            (_, _, _, Some(secret)) => wrong_secret(generated, secret, &outcome.response, &secret_arns),
            _ => wrong_namespace(generated, facts.queue, &step.call.operation, &outcome.response, &urls),
        };
        if let Some(detail) = answered_by {
            let kind = DisagreementKind::WrongNamespaceAnswered {
                operation,
                address_kind: facts.address_kind,
                boundary: facts.boundary,
            };
            push(&mut found, kind, detail);
            continue;
        }
        if let Some(function) = facts.function
            && let Some(detail) = foreign_function_arn(&generated.functions[function], &outcome.response)
        {
            push(&mut found, DisagreementKind::ForeignAddress { operation }, detail);
            continue;
        }
        if step.call.operation == "ListQueues" {
            found.extend(check_listing(generated, result, observed, &facts.caller, &urls, step.number));
            continue;
        }
        if step.call.operation == "ListBuckets" {
            found.extend(check_bucket_listing(generated, result, observed, &facts.caller, step.number));
            continue;
        }
        if step.call.operation == "ListSecrets" {
            let listing = ArnListing {
                operation: "secretsmanager.ListSecrets",
                list: ("SecretList", "ARN"),
                resources: generated
                    .secrets
                    .iter()
                    .zip(&secret_arns)
                    .map(|(secret, arn)| (&secret.namespace, arn.as_deref().unwrap_or_default()))
                    .collect(),
                resource: |facts| facts.secret,
                lifecycle: ("CreateSecret", "DeleteSecret"),
            };
            found.extend(check_arn_listing(generated, result, observed, &facts.caller, step.number, &listing));
            continue;
        }
        if step.call.operation == "ListAliases" {
            found.extend(check_alias_listing(generated, result, observed, &facts.caller, step.number));
            continue;
        }
        if step.call.operation == "ListKeys" {
            let listing = ArnListing {
                operation: "kms.ListKeys",
                list: ("Keys", "KeyArn"),
                resources: generated
                    .keys
                    .iter()
                    .zip(&key_arns)
                    .map(|(key, arn)| (&key.namespace, arn.as_deref().unwrap_or_default()))
                    .collect(),
                resource: |facts| facts.key,
                // Keys are never deleted in a generated case.
                lifecycle: ("CreateKey", ""),
            };
            found.extend(check_arn_listing(generated, result, observed, &facts.caller, step.number, &listing));
            continue;
        }
        if step.call.operation == "ListLayers" {
            let listing = ArnListing {
                operation: "lambda.ListLayers",
                list: ("Layers", "LayerArn"),
                resources: generated.layers.iter().map(|layer| (&layer.namespace, layer.arn.as_str())).collect(),
                resource: |facts| facts.layer,
                // A layer whose only version was deleted is no longer listed.
                lifecycle: ("PublishLayerVersion", "DeleteLayerVersion"),
            };
            found.extend(check_arn_listing(generated, result, observed, &facts.caller, step.number, &listing));
            continue;
        }
        if step.call.operation == "ListFunctions" {
            found.extend(check_function_listing(generated, result, observed, &facts.caller, step.number));
            continue;
        }
        if step.call.operation == "ListTopics" {
            found.extend(check_topic_listing(generated, result, observed, &facts.caller, step.number));
            continue;
        }
        if let Verdict::Differs(differences) = &observed.verdict {
            let kind = DisagreementKind::WrongResponse { operation, boundary: facts.boundary };
            push(&mut found, kind, differences.join("; "));
        }
    }
    found
}

/// Checks that a successful CreateBucket's `Location` names the created
/// bucket, for path-style and virtual-hosted-style callers alike: `/BUCKET`
/// without a location constraint (us-east-1), and a URL containing the
/// bucket name in other regions. A response without `Location` is not checked.
// NOTE: the form outside us-east-1 is only checked for the bucket name,
// because AWS documents only the `/BUCKET` form.
fn wrong_bucket_location(step: &Step, response: &Value) -> Option<String> {
    if step.call.operation != "CreateBucket" {
        return None;
    }
    let bucket = step.input.get("Bucket")?.as_str()?;
    let location = response.get("Location")?.as_str()?;
    let constraint = step.input.pointer("/CreateBucketConfiguration/LocationConstraint").and_then(Value::as_str);
    match constraint {
        None if location != format!("/{bucket}") => Some(format!("Location {location:?} is not \"/{bucket}\"")),
        Some(region) if !location.contains(bucket) => {
            Some(format!("Location {location:?} of a bucket in {region} does not contain the bucket name {bucket}"))
        }
        _ => None,
    }
}

/// Returns, per resource of one kind, the string its `create` fixture step
/// returned at `pointer`, such as a queue's URL. `resource` reads the
/// step's index of that kind.
pub(crate) fn created_values(
    generated: &Generated,
    result: &ScenarioResult,
    (create, pointer): (&str, &str),
    count: usize,
    resource: fn(&StepFacts) -> Option<usize>,
) -> Vec<Option<String>> {
    let mut values = vec![None; count];
    for ((step, facts), observed) in generated.scenario.steps.iter().zip(&generated.steps).zip(&result.steps) {
        if !facts.fixture || step.call.operation != create {
            continue;
        }
        let value = observed.outcome.as_ref().and_then(|outcome| outcome.response.pointer(pointer)?.as_str());
        if let (Some(index), Some(value)) = (resource(facts), value) {
            values[index] = Some(value.to_owned());
        }
    }
    values
}

/// Reports whether a queue URL names `namespace`. A URL without a region,
/// as moto and the `off` URL strategy return, names the account only.
fn url_names(url: &str, namespace: &Namespace) -> bool {
    match parse_queue_url(url) {
        Ok(address) => {
            address.account_id == namespace.account_id
                && address.region.as_ref().is_none_or(|region| *region == namespace.region)
        }
        Err(_) => false,
    }
}

/// Checks that a successful response describes the addressed queue, and
/// names the queue it describes instead when it does not.
fn wrong_namespace(
    generated: &Generated,
    queue: Option<usize>,
    operation: &str,
    response: &Value,
    urls: &[Option<String>],
) -> Option<String> {
    let queue = queue?;
    let addressed = &generated.queues[queue];
    let describe = |observed: &str| {
        let other =
            generated.queues.iter().find(|candidate| candidate.arn == observed || candidate.owner_tag == observed);
        match other {
            Some(other) => format!(
                "addressed {} in {}/{}, answered with the queue of {}/{}",
                addressed.name,
                addressed.namespace.account_id,
                addressed.namespace.region,
                other.namespace.account_id,
                other.namespace.region
            ),
            None => format!("addressed {}, answered with {observed}", addressed.arn),
        }
    };

    match operation {
        "GetQueueAttributes" => {
            let arn = response.pointer("/Attributes/QueueArn")?.as_str()?;
            (arn != addressed.arn).then(|| describe(arn))
        }
        "ListQueueTags" => {
            let owner = response.pointer("/Tags/owner")?.as_str()?;
            (owner != addressed.owner_tag).then(|| describe(owner))
        }
        "GetQueueUrl" => {
            let url = response.get("QueueUrl")?.as_str()?;
            let expected = urls.get(queue)?.as_deref()?;
            if url == expected {
                return None;
            }
            let other = urls.iter().position(|candidate| candidate.as_deref() == Some(url));
            Some(match other {
                Some(index) => describe(&generated.queues[index].arn),
                None => format!("addressed {}, answered with {url}", addressed.arn),
            })
        }
        _ => None,
    }
}

/// Checks that a successful response names the secret the address finds.
fn wrong_secret(generated: &Generated, secret: usize, response: &Value, arns: &[Option<String>]) -> Option<String> {
    let observed = response.get("ARN")?.as_str()?;
    let expected = arns.get(secret)?.as_deref()?;
    if observed == expected {
        return None;
    }
    let addressed = &generated.secrets[secret];
    let other = arns.iter().position(|candidate| candidate.as_deref() == Some(observed));
    Some(match other {
        Some(index) => format!(
            "expected secret {} of {}/{}, answered with the secret of {}/{}",
            addressed.name,
            addressed.namespace.account_id,
            addressed.namespace.region,
            generated.secrets[index].namespace.account_id,
            generated.secrets[index].namespace.region
        ),
        None => format!("expected {expected}, answered with {observed}"),
    })
}

/// Checks a ListBuckets response: an account's buckets in every region,
/// and no bucket another account owns.
fn check_bucket_listing(
    generated: &Generated,
    result: &ScenarioResult,
    observed: &StepResult,
    caller: &Namespace,
    step: usize,
) -> Vec<Disagreement> {
    let operation = "s3.ListBuckets".to_owned();
    let listed = listed_strings(observed, "Buckets", Some("Name"));
    let alive = live_before(
        generated,
        result,
        step,
        generated.buckets.len(),
        |facts| facts.bucket,
        ("CreateBucket", "DeleteBucket"),
    );

    let mut found = Vec::new();
    for (index, bucket) in generated.buckets.iter().enumerate() {
        let owned = bucket.namespace.account_id == caller.account_id;
        let is_listed = listed.contains(&bucket.name.as_str());
        if is_listed && !owned {
            found.push(Disagreement {
                kind: DisagreementKind::LeakedListing { operation: operation.clone() },
                step,
                detail: format!(
                    "bucket {} of {} is listed for {}",
                    bucket.name, bucket.namespace.account_id, caller.account_id
                ),
            });
        }
        if owned && alive[index] && !is_listed {
            found.push(Disagreement {
                kind: DisagreementKind::IncompleteListing { operation: operation.clone() },
                step,
                detail: format!("bucket {} is missing", bucket.name),
            });
        }
    }
    found
}

/// Returns the namespace an ARN names, if it is an ARN with both parts.
fn arn_namespace(arn: &str) -> Option<Namespace> {
    arn.parse::<crosscheck_emulator::arn::Arn>().ok()?.namespace()
}

/// Checks that a successful response describes the key the address finds.
fn wrong_key(
    generated: &Generated,
    key: usize,
    operation: &str,
    response: &Value,
    arns: &[Option<String>],
) -> Option<String> {
    let observed = match operation {
        "DescribeKey" => response.pointer("/KeyMetadata/Arn")?.as_str()?,
        "Encrypt" => response.get("KeyId")?.as_str()?,
        _ => return None,
    };
    let expected = arns.get(key)?.as_deref()?;
    if observed == expected {
        return None;
    }
    let addressed = &generated.keys[key];
    let other = arns.iter().position(|candidate| candidate.as_deref() == Some(observed));
    Some(match other {
        Some(index) => format!(
            "expected the key of {} in {}/{}, answered with the key of {}/{}",
            addressed.alias,
            addressed.namespace.account_id,
            addressed.namespace.region,
            generated.keys[index].namespace.account_id,
            generated.keys[index].namespace.region
        ),
        None => format!("expected {expected}, answered with {observed}"),
    })
}

/// Checks a ListAliases response: no alias of another namespace, and every
/// alias the case created in the caller's namespace.
fn check_alias_listing(
    generated: &Generated,
    result: &ScenarioResult,
    observed: &StepResult,
    caller: &Namespace,
    step: usize,
) -> Vec<Disagreement> {
    let operation = "kms.ListAliases".to_owned();
    let listed = listed_strings(observed, "Aliases", Some("AliasArn"));

    let mut found = leaked_arns(&listed, caller, &operation, step);

    // Aliases are created in the fixture and never deleted, so every one of
    // the caller's namespace whose CreateAlias succeeded must be listed.
    let created = created_aliases(generated, result);
    for (index, key) in generated.keys.iter().enumerate() {
        if key.namespace == *caller && created[index] && !listed.contains(&key.alias_arn.as_str()) {
            found.push(Disagreement {
                kind: DisagreementKind::IncompleteListing { operation: operation.clone() },
                step,
                detail: format!("{} is missing", key.alias_arn),
            });
        }
    }
    found
}

/// Returns the strings in the `list` member of a listing response: the
/// items themselves, or each item's `member`.
fn listed_strings<'a>(observed: &'a StepResult, list: &str, member: Option<&str>) -> Vec<&'a str> {
    let Some(items) = observed.outcome.as_ref().and_then(|outcome| outcome.response.get(list)?.as_array()) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match member {
            Some(member) => item.get(member)?.as_str(),
            None => item.as_str(),
        })
        .collect()
}

/// Reports every listed ARN that does not name the caller's namespace.
fn leaked_arns(listed: &[&str], caller: &Namespace, operation: &str, step: usize) -> Vec<Disagreement> {
    listed
        .iter()
        .filter(|arn| arn_namespace(arn).as_ref() != Some(caller))
        .map(|arn| Disagreement {
            kind: DisagreementKind::LeakedListing { operation: operation.to_owned() },
            step,
            detail: format!("{arn} is listed for {}/{}", caller.account_id, caller.region),
        })
        .collect()
}

/// Returns, per key, whether its CreateAlias step succeeded.
fn created_aliases(generated: &Generated, result: &ScenarioResult) -> Vec<bool> {
    let mut created = vec![false; generated.keys.len()];
    for ((step, facts), observed) in generated.scenario.steps.iter().zip(&generated.steps).zip(&result.steps) {
        let succeeded = observed.outcome.as_ref().is_some_and(|outcome| outcome.class == OutcomeClass::Ok);
        if step.call.operation == "CreateAlias"
            && succeeded
            && let Some(key) = facts.key
        {
            created[key] = true;
        }
    }
    created
}

/// Checks that a successful response describes the addressed topic.
fn wrong_topic(generated: &Generated, topic: usize, operation: &str, response: &Value) -> Option<String> {
    let addressed = &generated.topics[topic];
    let observed = match operation {
        "GetTopicAttributes" => response.pointer("/Attributes/TopicArn")?.as_str()?,
        "ListTagsForResource" => {
            let tags = response.get("Tags")?.as_array()?;
            let owner = tags.iter().find(|tag| tag.get("Key").and_then(Value::as_str) == Some("owner"))?;
            let value = owner.get("Value")?.as_str()?;
            if value == addressed.owner_tag {
                return None;
            }
            return Some(format!("addressed {}, answered with the tags of the topic of {value}", addressed.arn));
        }
        _ => return None,
    };
    (observed != addressed.arn).then(|| format!("addressed {}, answered with {observed}", addressed.arn))
}

/// Checks a ListTopics response: only the caller's live topics, all of them.
fn check_topic_listing(
    generated: &Generated,
    result: &ScenarioResult,
    observed: &StepResult,
    caller: &Namespace,
    step: usize,
) -> Vec<Disagreement> {
    let listing = ArnListing {
        operation: "sns.ListTopics",
        list: ("Topics", "TopicArn"),
        resources: generated.topics.iter().map(|topic| (&topic.namespace, topic.arn.as_str())).collect(),
        resource: |facts| facts.topic,
        lifecycle: ("CreateTopic", "DeleteTopic"),
    };
    check_arn_listing(generated, result, observed, caller, step, &listing)
}

/// A listing operation that returns resources by ARN, such as ListTopics.
struct ArnListing<'a> {
    operation: &'static str,
    /// The response's list member and the ARN member of each item.
    list: (&'static str, &'static str),
    /// The namespace and ARN of every resource of the listed kind, in the
    /// order of the indexes `resource` returns.
    resources: Vec<(&'a Namespace, &'a str)>,
    /// Reads the step's index of the listed kind.
    resource: fn(&StepFacts) -> Option<usize>,
    /// The operations that create and delete a resource of the kind.
    lifecycle: (&'static str, &'static str),
}

/// Checks a listing by ARN: no resource of another namespace, and every
/// live resource of the caller's namespace.
fn check_arn_listing(
    generated: &Generated,
    result: &ScenarioResult,
    observed: &StepResult,
    caller: &Namespace,
    step: usize,
    listing: &ArnListing<'_>,
) -> Vec<Disagreement> {
    let listed = listed_strings(observed, listing.list.0, Some(listing.list.1));

    let mut found = leaked_arns(&listed, caller, listing.operation, step);

    let alive = live_before(generated, result, step, listing.resources.len(), listing.resource, listing.lifecycle);
    for (index, (namespace, arn)) in listing.resources.iter().enumerate() {
        if *namespace == caller && alive[index] && !listed.contains(arn) {
            found.push(Disagreement {
                kind: DisagreementKind::IncompleteListing { operation: listing.operation.to_owned() },
                step,
                detail: format!("{arn} is missing"),
            });
        }
    }
    found
}

/// Checks a ListQueues response: only the caller's live queues, all of them.
fn check_listing(
    generated: &Generated,
    result: &ScenarioResult,
    observed: &StepResult,
    caller: &Namespace,
    urls: &[Option<String>],
    step: usize,
) -> Vec<Disagreement> {
    let operation = "sqs.ListQueues".to_owned();
    let listed = listed_strings(observed, "QueueUrls", None);

    let mut found = Vec::new();
    for url in &listed {
        let ours = urls.iter().position(|candidate| candidate.as_deref() == Some(*url));
        let foreign = match ours {
            Some(index) => generated.queues[index].namespace != *caller,
            None => !url_names(url, caller),
        };
        if foreign {
            found.push(Disagreement {
                kind: DisagreementKind::LeakedListing { operation: operation.clone() },
                step,
                detail: format!("{url} is listed for {}/{}", caller.account_id, caller.region),
            });
        }
    }

    // The queues of the caller's namespace that still exist at this step.
    let alive = live_before(
        generated,
        result,
        step,
        generated.queues.len(),
        |facts| facts.queue,
        ("CreateQueue", "DeleteQueue"),
    );
    for (index, queue) in generated.queues.iter().enumerate() {
        let Some(url) = urls[index].as_deref() else { continue };
        if queue.namespace == *caller && alive[index] && !listed.contains(&url) {
            found.push(Disagreement {
                kind: DisagreementKind::IncompleteListing { operation: operation.clone() },
                step,
                detail: format!("{url} is missing"),
            });
        }
    }
    found
}

/// Returns, per resource of one kind, whether it exists before `step`:
/// created by a `create` call, and not removed by a later `delete` call that
/// succeeded. `resource` reads the step's index of that kind.
fn live_before(
    generated: &Generated,
    result: &ScenarioResult,
    step: usize,
    count: usize,
    resource: fn(&StepFacts) -> Option<usize>,
    (create, delete): (&str, &str),
) -> Vec<bool> {
    let mut alive = vec![false; count];
    for ((scenario_step, facts), observed) in generated.scenario.steps.iter().zip(&generated.steps).zip(&result.steps) {
        if scenario_step.number >= step {
            break;
        }
        let succeeded = observed.outcome.as_ref().is_some_and(|outcome| outcome.class == OutcomeClass::Ok);
        let Some(index) = resource(facts).filter(|_| succeeded) else { continue };
        let operation = scenario_step.call.operation.as_str();
        if operation == create {
            alive[index] = true;
        } else if operation == delete {
            alive[index] = false;
        }
    }
    alive
}

/// Checks that a successful response comes from the addressed function: the
/// handler's payload and the configuration's `Description` carry the mark
/// of the function that responded.
fn wrong_function(generated: &Generated, function: usize, operation: &str, response: &Value) -> Option<String> {
    let pointer = match operation {
        "Invoke" => "/Payload/mark",
        "GetFunction" => "/Configuration/Description",
        "GetFunctionConfiguration" => "/Description",
        _ => return None,
    };
    let observed = response.pointer(pointer)?.as_str()?;
    let addressed = &generated.functions[function];
    if observed == addressed.mark {
        return None;
    }
    let other = generated.functions.iter().find(|candidate| candidate.mark == observed);
    Some(match other {
        Some(other) => format!(
            "addressed {} in {}/{}, answered by the function of {}/{}",
            addressed.name,
            addressed.namespace.account_id,
            addressed.namespace.region,
            other.namespace.account_id,
            other.namespace.region
        ),
        None => format!("addressed {}, answered with the mark {observed:?}", addressed.arn),
    })
}

/// Checks a ListFunctions response: only the caller's live functions, all of them.
fn check_function_listing(
    generated: &Generated,
    result: &ScenarioResult,
    observed: &StepResult,
    caller: &Namespace,
    step: usize,
) -> Vec<Disagreement> {
    let listing = ArnListing {
        operation: "lambda.ListFunctions",
        list: ("Functions", "FunctionArn"),
        resources: generated.functions.iter().map(|function| (&function.namespace, function.arn.as_str())).collect(),
        resource: |facts| facts.function,
        lifecycle: ("CreateFunction", "DeleteFunction"),
    };
    check_arn_listing(generated, result, observed, caller, step, &listing)
}

/// Checks that the `FunctionArn` of a function's configuration, as
/// GetFunctionConfiguration and GetFunction return it, names the function's
/// owner and the function's name.
fn foreign_function_arn(function: &FunctionState, response: &Value) -> Option<String> {
    let arn = response
        .get("FunctionArn")
        .or_else(|| response.pointer("/Configuration/FunctionArn"))
        .and_then(Value::as_str)?;
    // A qualified call may return the ARN with its qualifier, an eighth part.
    let unqualified = arn.split(':').take(7).collect::<Vec<_>>().join(":");
    if arn_namespace(arn).as_ref() == Some(&function.namespace) && unqualified == function.arn {
        return None;
    }
    Some(format!(
        "{arn} does not name {} of {}/{}",
        function.name, function.namespace.account_id, function.namespace.region
    ))
}

/// Checks that a function made with a layer imported that layer's module,
/// not the module of a same-named layer of another namespace.
fn wrong_layer(generated: &Generated, layer: Option<usize>, operation: &str, response: &Value) -> Option<String> {
    if operation != "Invoke" {
        return None;
    }
    let addressed = &generated.layers[layer?];
    let observed = response.pointer("/Payload/layer")?.as_str()?;
    if observed == addressed.mark {
        return None;
    }
    let other = generated.layers.iter().find(|candidate| candidate.mark == observed);
    Some(match other {
        Some(other) => format!(
            "used the layer of {}/{}, answered with the layer of {}/{}",
            addressed.namespace.account_id,
            addressed.namespace.region,
            other.namespace.account_id,
            other.namespace.region
        ),
        None => format!("used {}, answered with the mark {observed:?}", addressed.version_arn()),
    })
}
