//! Properties of the engine over generated policies and requests, checked
//! with proptest against the decision flow of
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
//! and <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>:
//! an explicit `Deny` always wins, adding an `Allow` never takes access
//! away, across accounts both sides must allow, wildcard matching agrees with
//! an independent regex translation, serialising then parsing a policy gives
//! it back, arbitrary JSON never panics the parser, and the analyzer covers
//! every external request the evaluator allows.
//!
//! Case counts and seeds are fixed so the run is repeatable and short.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use crosscheck_policy::{
    ActionClause, ActionUniverse, Condition, ConditionOperator, Context, ContextValue, Decision,
    Effect, Policy, PolicySet, PolicyType, Principal, PrincipalClause, PrincipalSet, Principals,
    Request, ResourceClause, Statement, Version, analyze, evaluate,
};

const OWNER: &str = "111111111111";
const ACCOUNTS: [&str; 3] = [OWNER, "222222222222", "333333333333"];
const OTHER_ACCOUNTS: [&str; 2] = ["222222222222", "333333333333"];
const USERS: [&str; 2] = ["alice", "bob"];
const ROLES: [&str; 2] = ["reader", "writer"];
const QUEUES: [&str; 2] = [
    "arn:aws:sqs:us-east-1:111111111111:orders",
    "arn:aws:sqs:us-east-1:111111111111:audit",
];
const ACTIONS: [&str; 5] = [
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:PurgeQueue",
    "sqs:GetQueueUrl",
];
const ACTION_PATTERNS: [&str; 9] = [
    "*",
    "sqs:*",
    "sqs:Send*",
    "SQS:sendmessage",
    "sqs:?eceiveMessage",
    "sqs:DeleteMessage",
    "sqs:Purge*",
    "s3:*",
    "sqs:Get*",
];
const RESOURCE_PATTERNS: [&str; 6] = [
    "*",
    "arn:aws:sqs:us-east-1:111111111111:orders",
    "arn:aws:sqs:*:111111111111:*",
    "arn:aws:sqs:us-east-1:*:ord?rs",
    "arn:aws:sqs:us-east-1:111111111111:${aws:username}",
    "arn:aws:sqs:us-east-1:111111111111:audit",
];
/// Conditions as (operator, key, values); keys overlap with the generated contexts.
const CONDITIONS: [(&str, &str, &[&str]); 14] = [
    ("StringEquals", "aws:SourceAccount", &["222222222222"]),
    (
        "StringEqualsIfExists",
        "aws:SourceAccount",
        &["333333333333"],
    ),
    ("Bool", "aws:SecureTransport", &["true"]),
    ("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
    ("NotIpAddress", "aws:SourceIp", &["10.1.0.0/16"]),
    (
        "StringLike",
        "aws:PrincipalArn",
        &["arn:aws:iam::222222222222:*"],
    ),
    (
        "StringEquals",
        "aws:PrincipalAccount",
        &["222222222222", "333333333333"],
    ),
    ("ForAnyValue:StringEquals", "aws:TagKeys", &["team"]),
    ("ForAllValues:StringLike", "aws:TagKeys", &["t*"]),
    ("Null", "aws:SourceArn", &["false"]),
    (
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:sns:*:222222222222:*"],
    ),
    ("NumericLessThan", "custom:count", &["5"]),
    ("StringNotEquals", "aws:PrincipalAccount", &["333333333333"]),
    (
        "DateGreaterThan",
        "aws:CurrentTime",
        &["2020-01-01T00:00:00Z"],
    ),
];

const TAG_SETS: [&[&str]; 3] = [&[], &["team"], &["team", "cost"]];

fn config(cases: u32, seed: u64) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    }
}

fn pick<T: Clone + std::fmt::Debug + 'static>(
    items: &'static [T],
) -> impl Strategy<Value = T> + Clone {
    proptest::sample::select(items)
}

fn account() -> impl Strategy<Value = &'static str> {
    pick(&ACCOUNTS)
}

fn parse_principal(arn: &str) -> Principal {
    Principal::from_arn(arn).unwrap_or_else(|error| panic!("generated principal {arn}: {error}"))
}

/// Callers that belong to an account: root users, IAM users, role sessions
/// and federated users whose IAM user is known.
fn account_caller(accounts: &'static [&'static str]) -> impl Strategy<Value = Principal> {
    let account = pick(accounts);
    prop_oneof![
        account.clone().prop_map(Principal::root),
        (account.clone(), pick(&USERS)).prop_map(|(account, user)| parse_principal(&format!(
            "arn:aws:iam::{account}:user/{user}"
        ))),
        (account.clone(), pick(&ROLES)).prop_map(|(account, role)| parse_principal(&format!(
            "arn:aws:sts::{account}:assumed-role/{role}/job"
        ))),
        (account, pick(&USERS)).prop_map(|(account, user)| {
            Principal::federated_user(
                &format!("arn:aws:sts::{account}:federated-user/{user}"),
                Some(format!("arn:aws:iam::{account}:user/{user}")),
            )
            .expect("federated user ARN")
        }),
    ]
}

/// Any caller, including services and anonymous callers.
fn caller(accounts: &'static [&'static str]) -> impl Strategy<Value = Principal> {
    prop_oneof![
        6 => account_caller(accounts),
        1 => Just(Principal::service("sns.amazonaws.com")),
        1 => Just(Principal::anonymous()),
    ]
}

fn aws_principal_entry() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_owned()),
        account().prop_map(str::to_owned),
        account().prop_map(|account| format!("arn:aws:iam::{account}:root")),
        (account(), pick(&USERS))
            .prop_map(|(account, user)| format!("arn:aws:iam::{account}:user/{user}")),
        (account(), pick(&ROLES))
            .prop_map(|(account, role)| format!("arn:aws:iam::{account}:role/{role}")),
        (account(), pick(&ROLES))
            .prop_map(|(account, role)| format!("arn:aws:sts::{account}:assumed-role/{role}/job")),
        (account(), pick(&USERS))
            .prop_map(|(account, user)| format!("arn:aws:sts::{account}:federated-user/{user}")),
    ]
}

fn principal_set() -> impl Strategy<Value = PrincipalSet> {
    (
        proptest::collection::vec(aws_principal_entry(), 0..3),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(mut aws, with_service)| {
            aws.dedup();
            let service = if with_service || aws.is_empty() {
                vec!["sns.amazonaws.com".to_owned()]
            } else {
                Vec::new()
            };
            PrincipalSet {
                aws,
                service,
                ..PrincipalSet::default()
            }
        })
}

fn principal_clause() -> impl Strategy<Value = PrincipalClause> {
    prop_oneof![
        1 => Just(PrincipalClause::Principal(Principals::Wildcard)),
        6 => principal_set().prop_map(|set| PrincipalClause::Principal(Principals::Set(set))),
        1 => principal_set().prop_map(|set| PrincipalClause::NotPrincipal(Principals::Set(set))),
    ]
}

fn patterns(choices: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(pick(choices).prop_map(str::to_owned), 1..3)
}

fn action_clause() -> impl Strategy<Value = ActionClause> {
    prop_oneof![
        4 => patterns(&ACTION_PATTERNS).prop_map(ActionClause::Action),
        1 => patterns(&ACTION_PATTERNS).prop_map(ActionClause::NotAction),
    ]
}

fn resource_clause() -> impl Strategy<Value = ResourceClause> {
    prop_oneof![
        4 => patterns(&RESOURCE_PATTERNS).prop_map(ResourceClause::Resource),
        1 => patterns(&RESOURCE_PATTERNS).prop_map(ResourceClause::NotResource),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    pick(&CONDITIONS).prop_map(|(operator, key, values)| Condition {
        operator: ConditionOperator::from_name(operator).expect("known operator"),
        key: key.to_owned(),
        values: values.iter().map(|value| (*value).to_owned()).collect(),
    })
}

/// Orders conditions as a parsed document would: grouped by operator in
/// order of first appearance, each operator-and-key pair once.
fn normalize_conditions(conditions: Vec<Condition>) -> Vec<Condition> {
    let mut operators: Vec<ConditionOperator> = Vec::new();
    for condition in &conditions {
        if !operators.contains(&condition.operator) {
            operators.push(condition.operator);
        }
    }
    let mut normalized: Vec<Condition> = Vec::new();
    for operator in operators {
        for condition in conditions
            .iter()
            .filter(|condition| condition.operator == operator)
        {
            let repeated = normalized
                .iter()
                .any(|kept| kept.operator == operator && kept.key == condition.key);
            if !repeated {
                normalized.push(condition.clone());
            }
        }
    }
    normalized
}

fn statement(policy_type: PolicyType) -> impl Strategy<Value = Statement> {
    let effect = prop_oneof![3 => Just(Effect::Allow), 1 => Just(Effect::Deny)];
    let principal = match policy_type {
        PolicyType::Identity => Just(None).boxed(),
        PolicyType::Resource => principal_clause().prop_map(Some).boxed(),
    };
    let resource = match policy_type {
        PolicyType::Identity => resource_clause().prop_map(Some).boxed(),
        PolicyType::Resource => proptest::option::weighted(0.7, resource_clause()).boxed(),
    };
    let conditions = proptest::collection::vec(condition(), 0..3).prop_map(normalize_conditions);
    (effect, principal, action_clause(), resource, conditions).prop_map(
        |(effect, principal, action, resource, conditions)| Statement {
            sid: None,
            effect,
            principal: principal.map(|clause| clause_for_effect(clause, effect)),
            action,
            resource,
            conditions,
        },
    )
}

/// Turns `NotPrincipal` into `Principal` for an `Allow`, which the parser
/// rejects with `NotPrincipal`, so generated policies stay parseable.
fn clause_for_effect(clause: PrincipalClause, effect: Effect) -> PrincipalClause {
    match (clause, effect) {
        (PrincipalClause::NotPrincipal(principals), Effect::Allow) => {
            PrincipalClause::Principal(principals)
        }
        (clause, _) => clause,
    }
}

fn policy(policy_type: PolicyType) -> impl Strategy<Value = Policy> {
    let version = prop_oneof![
        1 => Just(None),
        1 => Just(Some(Version::V2008)),
        4 => Just(Some(Version::V2012)),
    ];
    let id = proptest::option::of(Just("generated".to_owned()));
    (
        version,
        id,
        proptest::collection::vec(statement(policy_type), 1..4),
    )
        .prop_map(|(version, id, statements)| {
            let statements = statements
                .into_iter()
                .enumerate()
                .map(|(index, statement)| Statement {
                    sid: (index % 2 == 0).then(|| format!("S{index}")),
                    ..statement
                })
                .collect();
            Policy {
                version,
                id,
                statements,
            }
        })
}

fn context() -> impl Strategy<Value = Context> {
    (
        proptest::option::of(pick(&OTHER_ACCOUNTS)),
        proptest::option::of(any::<bool>()),
        proptest::option::of(pick(&["10.0.0.1", "10.1.2.3", "192.0.2.1"])),
        proptest::option::of(pick(&TAG_SETS)),
        proptest::option::of(pick(&[
            "arn:aws:sns:us-east-1:222222222222:alerts",
            "arn:aws:sns:us-east-1:333333333333:alerts",
        ])),
        proptest::option::of(pick(&["1", "9"])),
        proptest::option::of(pick(&["2019-06-01T00:00:00Z", "2021-06-01T00:00:00Z"])),
    )
        .prop_map(
            |(source_account, secure, ip, tags, source_arn, count, time)| {
                let mut context = Context::new();
                if let Some(source_account) = source_account {
                    context.insert("aws:SourceAccount", source_account);
                }
                if let Some(secure) = secure {
                    context.insert("aws:SecureTransport", secure);
                }
                if let Some(ip) = ip {
                    context.insert(
                        "aws:SourceIp",
                        ContextValue::Ip(ip.parse().expect("IP fixture")),
                    );
                }
                if let Some(tags) = tags {
                    context.insert_values("aws:TagKeys", tags.iter().copied());
                }
                if let Some(source_arn) = source_arn {
                    context.insert("aws:SourceArn", source_arn);
                }
                if let Some(count) = count {
                    context.insert("custom:count", count);
                }
                if let Some(time) = time {
                    context.insert("aws:CurrentTime", time);
                }
                context
            },
        )
}

/// Generates a request for one of the owner's queues, with a generated
/// context added to the keys `Request::new` derives from the caller.
fn request(callers: impl Strategy<Value = Principal>) -> impl Strategy<Value = Request> {
    (callers, pick(&ACTIONS), pick(&QUEUES), context()).prop_map(
        |(caller, action, queue, context)| {
            let mut request = Request::new(caller, action, queue, OWNER);
            for (key, values) in context.iter() {
                request.context.insert_values(key, values.to_vec());
            }
            request
        },
    )
}

/// Every kind of policy a request can meet, owned so tests can change them.
#[derive(Debug, Clone)]
struct Policies {
    identity: Vec<Policy>,
    resource: Option<Policy>,
    boundary: Option<Policy>,
    session: Vec<Policy>,
    service_control: Vec<Policy>,
    resource_control: Vec<Policy>,
}

impl Policies {
    fn set(&self) -> PolicySet<'_> {
        let mut set = PolicySet::new();
        for policy in &self.identity {
            set = set.with_identity("identity", policy);
        }
        if let Some(policy) = &self.resource {
            set = set.with_resource("resource", policy);
        }
        if let Some(policy) = &self.boundary {
            set = set.with_permissions_boundary("boundary", policy);
        }
        for policy in &self.session {
            set = set.with_session("session", policy);
        }
        for policy in &self.service_control {
            set = set.with_service_control("scp", policy);
        }
        for policy in &self.resource_control {
            set = set.with_resource_control("rcp", policy);
        }
        set
    }

    fn decide(&self, request: &Request) -> Decision {
        evaluate(request, &self.set()).decision
    }

    /// Lists every policy slot that contains a policy, as (slot, index in the slot).
    fn slots(&self) -> Vec<(Slot, usize)> {
        let mut slots = Vec::new();
        slots.extend((0..self.identity.len()).map(|index| (Slot::Identity, index)));
        slots.extend(self.resource.iter().map(|_| (Slot::Resource, 0)));
        slots.extend(self.boundary.iter().map(|_| (Slot::Boundary, 0)));
        slots.extend((0..self.session.len()).map(|index| (Slot::Session, index)));
        slots.extend((0..self.service_control.len()).map(|index| (Slot::ServiceControl, index)));
        slots.extend((0..self.resource_control.len()).map(|index| (Slot::ResourceControl, index)));
        slots
    }

    fn policy_mut(&mut self, slot: Slot, index: usize) -> Option<&mut Policy> {
        match slot {
            Slot::Identity => self.identity.get_mut(index),
            Slot::Resource => self.resource.as_mut(),
            Slot::Boundary => self.boundary.as_mut(),
            Slot::Session => self.session.get_mut(index),
            Slot::ServiceControl => self.service_control.get_mut(index),
            Slot::ResourceControl => self.resource_control.get_mut(index),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Identity,
    Resource,
    Boundary,
    Session,
    ServiceControl,
    ResourceControl,
}

fn allow_everything(policy_type: PolicyType) -> Statement {
    Statement {
        sid: None,
        effect: Effect::Allow,
        principal: (policy_type == PolicyType::Resource)
            .then_some(PrincipalClause::Principal(Principals::Wildcard)),
        action: ActionClause::Action(vec!["*".into()]),
        resource: Some(ResourceClause::Resource(vec!["*".into()])),
        conditions: Vec::new(),
    }
}

fn single_statement_policy(statement: Statement) -> Policy {
    Policy {
        version: Some(Version::V2012),
        id: None,
        statements: vec![statement],
    }
}

/// Generates policies of every kind. Half the time the identity side and the
/// resource policy also carry an unconditional `Allow` of everything, so that
/// allowed requests are common.
fn policies() -> impl Strategy<Value = Policies> {
    (
        proptest::collection::vec(policy(PolicyType::Identity), 0..3),
        proptest::option::of(policy(PolicyType::Resource)),
        proptest::option::weighted(0.2, policy(PolicyType::Identity)),
        proptest::collection::vec(policy(PolicyType::Identity), 0..2),
        proptest::collection::vec(policy(PolicyType::Identity), 0..2),
        proptest::collection::vec(policy(PolicyType::Identity), 0..2),
        any::<bool>(),
    )
        .prop_map(
            |(
                identity,
                resource,
                boundary,
                session,
                service_control,
                resource_control,
                generous,
            )| {
                let mut policies = Policies {
                    identity,
                    resource,
                    boundary,
                    session,
                    service_control,
                    resource_control,
                };
                if generous {
                    let allow = single_statement_policy(allow_everything(PolicyType::Identity));
                    policies.identity.push(allow.clone());
                    for policy in policies
                        .boundary
                        .iter_mut()
                        .chain(&mut policies.session)
                        .chain(&mut policies.service_control)
                        .chain(&mut policies.resource_control)
                    {
                        policy
                            .statements
                            .push(allow_everything(PolicyType::Identity));
                    }
                    let resource = policies.resource.get_or_insert_with(|| Policy {
                        version: Some(Version::V2012),
                        id: None,
                        statements: Vec::new(),
                    });
                    resource
                        .statements
                        .push(allow_everything(PolicyType::Resource));
                }
                policies
            },
        )
}

/// Translates a policy wildcard pattern into an anchored regular expression.
fn glob_regex(pattern: &str, case_insensitive: bool) -> regex::Regex {
    let mut expression = String::from(if case_insensitive { "(?is)^" } else { "(?s)^" });
    for character in pattern.chars() {
        match character {
            '*' => expression.push_str(".*"),
            '?' => expression.push('.'),
            other => expression.push_str(&regex::escape(&other.to_string())),
        }
    }
    expression.push('$');
    regex::Regex::new(&expression).expect("translated pattern compiles")
}

/// Translates an ARN pattern into a regular expression in which wildcards of
/// the first five components cannot match a colon.
fn arn_regex(pattern: &str) -> Option<regex::Regex> {
    if pattern.matches(':').count() < 5 {
        return None;
    }
    let mut expression = String::from("(?s)^");
    let mut colons = 0;
    for character in pattern.chars() {
        let in_last_component = colons >= 5;
        match character {
            '*' if in_last_component => expression.push_str(".*"),
            '?' if in_last_component => expression.push('.'),
            '*' => expression.push_str("[^:]*"),
            '?' => expression.push_str("[^:]"),
            ':' => {
                colons += 1;
                expression.push(':');
            }
            other => expression.push_str(&regex::escape(&other.to_string())),
        }
    }
    expression.push('$');
    Some(regex::Regex::new(&expression).expect("translated ARN pattern compiles"))
}

fn colon_separated(segment: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec(segment, 3..8).prop_map(|segments| segments.join(":"))
}

/// Keys of the policy grammar, for generated JSON objects.
const GRAMMAR_KEYS: [&str; 21] = [
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "StringEquals",
    "ForAnyValue:StringLikeIfExists",
    "Null",
    "aws:SourceAccount",
    "Unknown",
];

/// JSON values built from the policy grammar's own words, so that generated
/// documents reach into the parser.
fn grammar_json() -> impl Strategy<Value = serde_json::Value> {
    let words = [
        "*",
        "Allow",
        "Deny",
        "2012-10-17",
        "2008-10-17",
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:111111111111:orders",
        "111111111111",
        "arn:aws:iam::222222222222:user/bob",
        "sns.amazonaws.com",
        "10.0.0.0/8",
        "${aws:username}",
        "",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i32>().prop_map(serde_json::Value::from),
        proptest::sample::select(words.to_vec()).prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::vec((pick(&GRAMMAR_KEYS), inner), 0..6).prop_map(|members| {
                serde_json::Value::Object(
                    members
                        .into_iter()
                        .map(|(key, value)| (key.to_owned(), value))
                        .collect(),
                )
            }),
        ]
    })
}

/// Names `caller` in a principal element: by `"*"` (choice 0), by its
/// account (choice 1) or by its ARN (choice 2), falling back to `"*"` for
/// callers without an account or ARN.
fn principals_naming(caller: &Principal, choice: usize) -> Principals {
    match (choice, caller.account_id(), caller.arn()) {
        (1, Some(account_id), _) => Principals::Set(PrincipalSet {
            aws: vec![account_id.to_owned()],
            ..PrincipalSet::default()
        }),
        (2, _, Some(arn)) => Principals::Set(PrincipalSet {
            aws: vec![arn.to_owned()],
            ..PrincipalSet::default()
        }),
        _ => Principals::Wildcard,
    }
}

/// A change to one node of a JSON document.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(serde_json::Value),
    RemoveMember,
    InsertMember(&'static str, serde_json::Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => grammar_json().prop_map(Mutation::Replace),
        1 => Just(Mutation::RemoveMember),
        1 => (pick(&GRAMMAR_KEYS), grammar_json()).prop_map(|(key, value)| Mutation::InsertMember(key, value)),
    ]
}

/// Lists the JSON pointers of every node of `value`.
fn json_pointers(value: &serde_json::Value, prefix: &str, pointers: &mut Vec<String>) {
    pointers.push(prefix.to_owned());
    match value {
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                json_pointers(item, &format!("{prefix}/{index}"), pointers);
            }
        }
        serde_json::Value::Object(members) => {
            for (key, member) in members {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                json_pointers(member, &format!("{prefix}/{escaped}"), pointers);
            }
        }
        _ => {}
    }
}

/// Applies `mutation` at the node `choice` selects.
fn mutate(document: &mut serde_json::Value, choice: prop::sample::Index, mutation: Mutation) {
    let mut pointers = Vec::new();
    json_pointers(document, "", &mut pointers);
    let pointer = &pointers[choice.index(pointers.len())];
    let Some(node) = document.pointer_mut(pointer) else {
        return;
    };
    match mutation {
        Mutation::Replace(value) => *node = value,
        Mutation::RemoveMember => {
            if let serde_json::Value::Object(members) = node {
                let first = members.keys().next().cloned();
                if let Some(key) = first {
                    members.remove(&key);
                }
            }
        }
        Mutation::InsertMember(key, value) => {
            if let serde_json::Value::Object(members) = node {
                members.insert(key.to_owned(), value);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(1000, 0x1AD1))]

    #[test]
    fn explicit_deny_dominates(
        mut policies in policies(),
        request in request(caller(&ACCOUNTS)),
        slot_choice in 0_usize..6,
    ) {
        let deny = Statement {
            sid: None,
            effect: Effect::Deny,
            principal: None,
            action: ActionClause::Action(vec![request.action.clone()]),
            resource: Some(ResourceClause::Resource(vec!["*".into()])),
            conditions: Vec::new(),
        };
        let identity_side = request.principal.has_identity_side();
        let slot = match slot_choice {
            0 if identity_side => Slot::Identity,
            2 if identity_side => Slot::Boundary,
            3 if identity_side && request.principal.is_session() => Slot::Session,
            4 if identity_side => Slot::ServiceControl,
            5 => Slot::ResourceControl,
            _ => Slot::Resource,
        };
        match slot {
            Slot::Identity => policies.identity.push(single_statement_policy(deny)),
            Slot::Boundary => policies.boundary.get_or_insert_with(|| single_statement_policy(allow_everything(PolicyType::Identity))).statements.push(deny),
            Slot::Session => policies.session.push(single_statement_policy(deny)),
            Slot::ServiceControl => policies.service_control.push(single_statement_policy(deny)),
            Slot::ResourceControl => policies.resource_control.push(single_statement_policy(deny)),
            Slot::Resource => {
                let deny = Statement { principal: Some(PrincipalClause::Principal(Principals::Wildcard)), ..deny };
                match &mut policies.resource {
                    Some(resource) => resource.statements.push(deny),
                    None => policies.resource = Some(single_statement_policy(deny)),
                }
            }
        }

        prop_assert_eq!(policies.decide(&request), Decision::ExplicitDeny, "Deny added to {:?}", slot);
    }

    #[test]
    fn adding_allow_never_removes_access(
        mut policies in policies(),
        request in request(caller(&ACCOUNTS)),
        slot_choice in any::<prop::sample::Index>(),
        identity_statement in statement(PolicyType::Identity),
        resource_statement in statement(PolicyType::Resource),
    ) {
        let before = policies.decide(&request);
        let slots = policies.slots();
        if slots.is_empty() {
            return Ok(());
        }
        let (slot, index) = slots[slot_choice.index(slots.len())];
        let added = if slot == Slot::Resource { resource_statement } else { identity_statement };
        let principal = added.principal.map(|clause| clause_for_effect(clause, Effect::Allow));
        let added = Statement { effect: Effect::Allow, principal, ..added };
        policies.policy_mut(slot, index).expect("slot contains a policy").statements.push(added);

        let after = policies.decide(&request);

        if before == Decision::Allowed {
            prop_assert_eq!(after, Decision::Allowed, "Allow added to {:?}", slot);
        }
        if before == Decision::ImplicitDeny {
            prop_assert_ne!(after, Decision::ExplicitDeny, "Allow added to {:?}", slot);
        }
    }

    #[test]
    fn cross_account_needs_both_sides(
        identity in proptest::collection::vec(policy(PolicyType::Identity), 0..2),
        resource in policy(PolicyType::Resource),
        request in request(caller(&OTHER_ACCOUNTS)),
        grantee_choice in 0_usize..3,
    ) {
        let caller = request.principal.clone();
        prop_assume!(caller.has_identity_side());

        // Make both sides allow, then take each side's Allow statements away.
        let grantee = principals_naming(&caller, grantee_choice);
        let mut policies = Policies {
            identity,
            resource: Some(resource),
            boundary: None,
            session: Vec::new(),
            service_control: Vec::new(),
            resource_control: Vec::new(),
        };
        policies.identity.push(single_statement_policy(allow_everything(PolicyType::Identity)));
        if let Some(resource) = &mut policies.resource {
            resource.statements.push(Statement {
                principal: Some(PrincipalClause::Principal(grantee)),
                ..allow_everything(PolicyType::Resource)
            });
        }
        if policies.decide(&request) != Decision::Allowed {
            // A generated Deny, or a federated user without a session policy.
            return Ok(());
        }

        let mut without_resource_allow = policies.clone();
        if let Some(resource) = &mut without_resource_allow.resource {
            resource.statements.retain(|statement| statement.effect == Effect::Deny);
        }
        prop_assert_eq!(without_resource_allow.decide(&request), Decision::ImplicitDeny, "resource side removed");

        if *caller.kind() != crosscheck_policy::PrincipalKind::Root {
            let mut without_identity_allow = policies.clone();
            for policy in &mut without_identity_allow.identity {
                policy.statements.retain(|statement| statement.effect == Effect::Deny);
            }
            prop_assert_eq!(without_identity_allow.decide(&request), Decision::ImplicitDeny, "identity side removed");
        }
    }

    #[test]
    fn analyzer_covers_allowed_external_requests(
        mut resource in policy(PolicyType::Resource),
        request in request(caller(&OTHER_ACCOUNTS)),
        extra_grant in proptest::option::of((0_usize..3, statement(PolicyType::Resource))),
        extra_deny in proptest::option::of((0_usize..3, statement(PolicyType::Resource))),
    ) {
        // Often add a random Allow and a random Deny that name the caller, so
        // that allowed requests, and the conditions and Denies around them,
        // are common.
        for (effect, extra) in [(Effect::Allow, extra_grant), (Effect::Deny, extra_deny)] {
            let Some((grantee_choice, statement)) = extra else {
                continue;
            };
            let grantee = principals_naming(&request.principal, grantee_choice);
            resource.statements.push(Statement {
                effect,
                principal: Some(PrincipalClause::Principal(grantee)),
                ..statement
            });
        }

        let allow_all = single_statement_policy(allow_everything(PolicyType::Identity));
        let policies = PolicySet::new().with_identity("caller", &allow_all).with_resource("queue", &resource);
        if evaluate(&request, &policies).decision != Decision::Allowed {
            return Ok(());
        }

        let with_universe = analyze(&resource, OWNER, Some(&ActionUniverse::sqs()));
        let without_universe = analyze(&resource, OWNER, None);

        prop_assert!(with_universe.covers(&request), "expanded actions miss {:?}: {:#?}", request, with_universe);
        prop_assert!(without_universe.covers(&request), "patterns miss {:?}: {:#?}", request, without_universe);
    }
}

proptest! {
    #![proptest_config(config(1000, 0x600B))]

    #[test]
    fn wildcards_agree_with_regex(pattern in "[ab*?:/A]{0,8}", text in "[abA:/]{0,10}") {
        prop_assert_eq!(
            crosscheck_policy::wildcard::resource_matches(&pattern, &text),
            glob_regex(&pattern, false).is_match(&text),
            "resource pattern {:?} against {:?}", pattern, text,
        );
        prop_assert_eq!(
            crosscheck_policy::wildcard::action_matches(&pattern, &text),
            glob_regex(&pattern, true).is_match(&text),
            "action pattern {:?} against {:?}", pattern, text,
        );
    }

    #[test]
    fn arn_wildcards_agree_with_regex(
        pattern in colon_separated("[ab*?/]{0,3}"),
        text in colon_separated("[ab/]{0,3}"),
    ) {
        let expected = arn_regex(&pattern).is_some_and(|expression| expression.is_match(&text));
        prop_assert_eq!(
            crosscheck_policy::wildcard::arn_matches(&pattern, &text),
            expected,
            "ARN pattern {:?} against {:?}", pattern, text,
        );
    }
}

proptest! {
    #![proptest_config(config(500, 0x5E7A))]

    #[test]
    fn serialise_then_parse_is_identity(
        policy_type in prop_oneof![Just(PolicyType::Identity), Just(PolicyType::Resource)],
        identity in policy(PolicyType::Identity),
        resource in policy(PolicyType::Resource),
    ) {
        let original = match policy_type {
            PolicyType::Identity => identity,
            PolicyType::Resource => resource,
        };
        let text = original.to_json_string();
        let parsed = Policy::parse(&text, policy_type);
        prop_assert_eq!(parsed.as_ref(), Ok(&original), "document {}", text);
    }

    #[test]
    fn parser_never_panics_on_json(value in grammar_json()) {
        for policy_type in [PolicyType::Identity, PolicyType::Resource] {
            if let Ok(policy) = Policy::from_value(&value, policy_type) {
                let text = policy.to_json_string();
                let reparsed = Policy::parse(&text, policy_type);
                prop_assert_eq!(reparsed.as_ref(), Ok(&policy), "document {}", text);
            }
        }
    }

    #[test]
    fn parser_never_panics_on_mutated_policies(
        policy_type in prop_oneof![Just(PolicyType::Identity), Just(PolicyType::Resource)],
        identity in policy(PolicyType::Identity),
        resource in policy(PolicyType::Resource),
        mutations in proptest::collection::vec((any::<prop::sample::Index>(), mutation()), 1..3),
    ) {
        let mut document = match policy_type {
            PolicyType::Identity => identity.to_json(),
            PolicyType::Resource => resource.to_json(),
        };
        for (choice, mutation) in mutations {
            mutate(&mut document, choice, mutation);
        }

        for policy_type in [PolicyType::Identity, PolicyType::Resource] {
            if let Ok(policy) = Policy::from_value(&document, policy_type) {
                let text = policy.to_json_string();
                let reparsed = Policy::parse(&text, policy_type);
                prop_assert_eq!(reparsed.as_ref(), Ok(&policy), "document {}", text);
            }
        }
    }

    #[test]
    fn parser_never_panics_on_text(text in "\\PC{0,64}") {
        for policy_type in [PolicyType::Identity, PolicyType::Resource] {
            let _ = Policy::parse(&text, policy_type);
        }
    }
}
