//! SNS topics in generated scenarios: their fixture steps, their calls by
//! topic ARN, and the model's predictions for them.

use super::*;

impl Builder<'_> {
    /// Adds the CreateTopic step of a new topic, unless one of that name
    /// already exists in `namespace`.
    pub(super) fn create_topic(&mut self, namespace: Namespace, base_name: &str, policy: Option<&PolicySpec>) {
        let name = format!("{base_name}{}", self.name_suffix);
        if self.topic_index(&namespace, &name).is_some() {
            return;
        }
        let number = self.topics.len() + 1;
        let arn = format!("arn:aws:sns:{}:{}:{name}", namespace.region, namespace.account_id);
        let document = policy.map(|policy| policy.to_json(&self.case.world, SNS_POLICY_ACTIONS, &arn));
        let display_name = format!("topic {number}");
        let topic = TopicState::new(&name, namespace.clone(), format!("t{number}"), display_name, document.as_deref());

        let mut attributes = Map::new();
        attributes.insert("DisplayName".to_owned(), json!(topic.display_name));
        if let Some(document) = document {
            attributes.insert("Policy".to_owned(), json!(document));
        }
        let input = json!({
            "Name": name,
            "Attributes": attributes,
            "Tags": [{ "Key": "owner", "Value": topic.owner_tag }],
        });
        let capture = Capture {
            variable: topic.variable.clone(),
            path: ResponsePath::parse("TopicArn").expect("a member name is a response path"),
        };
        let target = Target { topic: Some(self.topics.len()), ..Target::default() };
        self.push_fixture("sns", &namespace, vec![("CreateTopic", input, vec![capture])], target);
        self.created_topics.push(topic.clone());
        self.topics.push(topic);
    }

    pub(super) fn topic_index(&self, namespace: &Namespace, name: &str) -> Option<usize> {
        self.topics.iter().position(|topic| topic.namespace == *namespace && topic.name == name)
    }

    pub(super) fn sns_call(&mut self, caller: &Namespace, call: &SnsCall) {
        let step_number = self.steps.len() + 1;
        let (operation, input) = match call {
            SnsCall::ListTopics => {
                self.push_call_without_address("sns", caller, "ListTopics", json!({}));
                return;
            }
            SnsCall::GetTopicAttributes(_) => ("GetTopicAttributes", json!({})),
            SnsCall::Publish(_) => ("Publish", json!({ "Message": format!("step {step_number}") })),
            SnsCall::SetTopicAttributes(_) => (
                "SetTopicAttributes",
                json!({ "AttributeName": "DisplayName", "AttributeValue": format!("set at step {step_number}") }),
            ),
            SnsCall::ListTagsForResource(_) => ("ListTagsForResource", json!({})),
            SnsCall::DeleteTopic(_) => ("DeleteTopic", json!({})),
        };
        let Some(selected) = call.topic() else { return };
        let target = selected.index(self.primary_topics);
        let member = if operation == "ListTagsForResource" { "ResourceArn" } else { "TopicArn" };
        let mut input = input;
        input[member] = json!(format!("${{{}}}", self.topics[target].variable));

        let prediction = self.predict_topic(caller, operation, target, step_number);
        let namespace = self.topics[target].namespace.clone();
        let deleted = target;
        let target = Target { topic: Some(target), ..Target::default() };
        self.push_call("sns", caller, operation, input, prediction, Some(namespace), AddressKind::Arn, target);
        if operation == "DeleteTopic" {
            self.read_same_named_topics(deleted);
        }
    }

    /// Adds a GetTopicAttributes step, made by its owner, for every other
    /// live topic named like topic `deleted`: deleting a topic in one
    /// namespace never affects another's.
    fn read_same_named_topics(&mut self, deleted: usize) {
        let name = self.topics[deleted].name.clone();
        let same_named: Vec<usize> = (0..self.topics.len())
            .filter(|index| *index != deleted && self.topics[*index].name == name && self.topics[*index].exists)
            .collect();
        for index in same_named {
            let owner = self.topics[index].namespace.clone();
            let input = json!({ "TopicArn": format!("${{{}}}", self.topics[index].variable) });
            let prediction = self.predict_topic(&owner, "GetTopicAttributes", index, self.steps.len() + 1);
            let target = Target { topic: Some(index), ..Target::default() };
            let resource = Some(owner.clone());
            self.push_call("sns", &owner, "GetTopicAttributes", input, prediction, resource, AddressKind::Arn, target);
        }
    }

    /// Predicts a call on topic `target` by its ARN, and applies a predicted
    /// success to the model's state.
    fn predict_topic(&mut self, caller: &Namespace, operation: &str, target: usize, step_number: usize) -> Prediction {
        let facts = model::facts("sns", operation);
        let topic = &self.topics[target];
        let policy = topic.policy.as_ref().filter(|_| topic.exists);
        if let Err(class) = model::decide_access(self.profile, caller, &topic.namespace, &topic.arn, policy, facts) {
            return Prediction::error(class);
        }
        // DeleteTopic is idempotent: a topic that does not exist is no error
        // (https://docs.aws.amazon.com/sns/latest/api/API_DeleteTopic.html).
        if !topic.exists {
            let idempotent = operation == "DeleteTopic";
            return if idempotent { Prediction::ok(None) } else { Prediction::error(OutcomeClass::NotFound) };
        }

        let topic = &mut self.topics[target];
        match operation {
            "GetTopicAttributes" => Prediction::ok(Some(json!({ "Attributes": {
                "TopicArn": topic.arn,
                "DisplayName": topic.display_name,
                "Owner": topic.namespace.account_id,
            }}))),
            "ListTagsForResource" => {
                Prediction::ok(Some(json!({ "Tags": [{ "Key": "owner", "Value": topic.owner_tag }] })))
            }
            "SetTopicAttributes" => {
                topic.display_name = format!("set at step {step_number}");
                Prediction::ok(None)
            }
            "DeleteTopic" => {
                topic.exists = false;
                topic.policy = None;
                Prediction::ok(None)
            }
            _ => Prediction::ok(None),
        }
    }
}
