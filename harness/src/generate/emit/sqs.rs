//! SQS queues in generated scenarios: their fixture steps, their calls by
//! queue URL or bare name, and the model's predictions for them.

use super::*;

impl Builder<'_> {
    /// Adds the CreateQueue step of a new queue, unless one of that name
    /// already exists in `namespace`.
    pub(super) fn create_queue(&mut self, namespace: Namespace, base_name: &str, policy: Option<&PolicySpec>) {
        let name = format!("{base_name}{}", self.name_suffix);
        if self.queue_index(&namespace, &name).is_some() {
            return;
        }
        let number = self.queues.len() + 1;
        let visibility_timeout = FIRST_VISIBILITY_TIMEOUT + u32::try_from(self.queues.len()).unwrap_or(0);
        let arn = format!("arn:aws:sqs:{}:{}:{name}", namespace.region, namespace.account_id);
        let document = policy.map(|policy| policy.to_json(&self.case.world, SQS_POLICY_ACTIONS, &arn));
        let queue =
            QueueState::new(&name, namespace.clone(), format!("q{number}"), visibility_timeout, document.as_deref());

        let mut attributes = Map::new();
        attributes.insert("VisibilityTimeout".to_owned(), json!(visibility_timeout.to_string()));
        if let Some(document) = document {
            attributes.insert("Policy".to_owned(), json!(document));
        }
        let input = json!({
            "QueueName": name,
            "Attributes": attributes,
            "tags": { "owner": queue.owner_tag },
        });
        let capture = Capture {
            variable: queue.variable.clone(),
            path: ResponsePath::parse("QueueUrl").expect("a member name is a response path"),
        };
        let target = Target { queue: Some(self.queues.len()), ..Target::default() };
        self.push_fixture("sqs", &namespace, vec![("CreateQueue", input, vec![capture])], target);
        self.created.push(queue.clone());
        self.queues.push(queue);
    }

    pub(super) fn queue_index(&self, namespace: &Namespace, name: &str) -> Option<usize> {
        self.queues.iter().position(|queue| queue.namespace == *namespace && queue.name == name)
    }

    pub(super) fn sqs_call(&mut self, caller: &Namespace, call: &SqsCall) {
        let step_number = self.steps.len() + 1;
        let target = call.queue().map(|selected| selected.index(self.primary_queues));

        let (operation, input) = match call {
            SqsCall::GetQueueUrl { queue, owner } => {
                let name = self.queues[queue.index(self.primary_queues)].name.clone();
                let owner_account = owner.map(|selected| self.case.world.account(selected).id.clone());
                let account_id = owner_account.clone().unwrap_or_else(|| caller.account_id.clone());
                let namespace = Namespace::new(&account_id, &caller.region);
                let mut input = json!({ "QueueName": name });
                if let Some(owner_account) = owner_account {
                    input["QueueOwnerAWSAccountId"] = json!(owner_account);
                }
                let found = self.queue_index(&namespace, &name).filter(|index| self.queues[*index].exists);
                let prediction = self.predict_by_name(caller, &namespace, &name, found);
                let target = Target { queue: found, ..Target::default() };
                self.push_call(
                    "sqs",
                    caller,
                    "GetQueueUrl",
                    input,
                    prediction,
                    Some(namespace),
                    AddressKind::Name,
                    target,
                );
                return;
            }
            SqsCall::ListQueues => {
                self.push_call_without_address("sqs", caller, "ListQueues", json!({}));
                return;
            }
            SqsCall::GetQueueAttributes(_) => (
                "GetQueueAttributes",
                json!({ "AttributeNames": ["VisibilityTimeout", "QueueArn", "ApproximateNumberOfMessages"] }),
            ),
            SqsCall::SendMessage(_) => ("SendMessage", json!({ "MessageBody": format!("step {step_number}") })),
            SqsCall::ListQueueTags(_) => ("ListQueueTags", json!({})),
            SqsCall::TagQueue(_) => ("TagQueue", json!({ "Tags": { "touched": format!("step-{step_number}") } })),
            SqsCall::SetQueueAttributes(_) => {
                let value = SET_VISIBILITY_TIMEOUT_BASE + u32::try_from(step_number).unwrap_or(0);
                ("SetQueueAttributes", json!({ "Attributes": { "VisibilityTimeout": value.to_string() } }))
            }
            SqsCall::PurgeQueue(_) => ("PurgeQueue", json!({})),
            SqsCall::DeleteQueue(_) => ("DeleteQueue", json!({})),
        };

        let Some(target) = target else { return };
        let mut input = input;
        input["QueueUrl"] = json!(format!("${{{}}}", self.queues[target].variable));
        let prediction = self.predict_by_url(caller, operation, target, step_number);
        let namespace = self.queues[target].namespace.clone();
        let deleted = target;
        let target = Target { queue: Some(target), ..Target::default() };
        self.push_call("sqs", caller, operation, input, prediction, Some(namespace), AddressKind::Url, target);
        if operation == "DeleteQueue" {
            self.read_same_named_queues(deleted);
        }
    }

    /// Adds a GetQueueAttributes step, made by its owner, for every other
    /// live queue named like queue `deleted`: deleting a queue in one
    /// namespace never affects another's.
    fn read_same_named_queues(&mut self, deleted: usize) {
        let name = self.queues[deleted].name.clone();
        let same_named: Vec<usize> = (0..self.queues.len())
            .filter(|index| *index != deleted && self.queues[*index].name == name && self.queues[*index].exists)
            .collect();
        for index in same_named {
            let owner = self.queues[index].namespace.clone();
            let input = json!({
                "QueueUrl": format!("${{{}}}", self.queues[index].variable),
                "AttributeNames": ["VisibilityTimeout", "QueueArn", "ApproximateNumberOfMessages"],
            });
            let prediction = self.predict_by_url(&owner, "GetQueueAttributes", index, self.steps.len() + 1);
            let target = Target { queue: Some(index), ..Target::default() };
            let resource = Some(owner.clone());
            self.push_call("sqs", &owner, "GetQueueAttributes", input, prediction, resource, AddressKind::Url, target);
        }
    }

    /// Predicts a call that names queue `target` by its URL, and applies a
    /// predicted success to the model's state.
    fn predict_by_url(&mut self, caller: &Namespace, operation: &str, target: usize, step_number: usize) -> Prediction {
        let facts = model::facts("sqs", operation);
        let queue = &self.queues[target];
        let policy = queue.policy.as_ref().filter(|_| queue.exists);
        if let Err(class) = model::decide_access(self.profile, caller, &queue.namespace, &queue.arn, policy, facts) {
            return Prediction::error(class);
        }
        if !queue.exists {
            return Prediction::error(OutcomeClass::NotFound);
        }

        let queue = &mut self.queues[target];
        match operation {
            "GetQueueAttributes" => Prediction::ok(Some(json!({ "Attributes": {
                "VisibilityTimeout": queue.visibility_timeout.to_string(),
                "QueueArn": queue.arn,
                "ApproximateNumberOfMessages": queue.messages.to_string(),
            }}))),
            "ListQueueTags" => Prediction::ok(Some(json!({ "Tags": { "owner": queue.owner_tag } }))),
            "SendMessage" => {
                queue.messages += 1;
                Prediction::ok(None)
            }
            "SetQueueAttributes" => {
                queue.visibility_timeout = SET_VISIBILITY_TIMEOUT_BASE + u32::try_from(step_number).unwrap_or(0);
                Prediction::ok(None)
            }
            "PurgeQueue" if queue.purged => {
                Prediction { class: OutcomeClass::Error, code: Some("PurgeQueueInProgress"), subset: None }
            }
            "PurgeQueue" => {
                queue.purged = true;
                queue.messages = 0;
                Prediction::ok(None)
            }
            "DeleteQueue" => {
                queue.exists = false;
                queue.policy = None;
                Prediction::ok(None)
            }
            _ => Prediction::ok(None),
        }
    }

    /// Predicts GetQueueUrl for `name` in `namespace`; `found` is the live queue there.
    fn predict_by_name(
        &self,
        caller: &Namespace,
        namespace: &Namespace,
        name: &str,
        found: Option<usize>,
    ) -> Prediction {
        let facts = model::facts("sqs", "GetQueueUrl");
        let queue = found.map(|index| &self.queues[index]);
        let arn = format!("arn:aws:sqs:{}:{}:{name}", namespace.region, namespace.account_id);
        let policy = queue.and_then(|queue| queue.policy.as_ref());
        if let Err(class) = model::decide_access(self.profile, caller, namespace, &arn, policy, facts) {
            return Prediction::error(class);
        }
        match queue {
            Some(queue) => Prediction::ok(Some(json!({ "QueueUrl": format!("${{{}}}", queue.variable) }))),
            None => Prediction::error(OutcomeClass::NotFound),
        }
    }
}
