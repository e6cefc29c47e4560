//! S3 buckets in generated scenarios: their fixture steps, their calls by
//! global bucket name, and the model's predictions for them.

use super::*;

impl Builder<'_> {
    /// Adds the CreateBucket step of a new bucket, and a PutBucketPolicy step
    /// when it has a policy, unless a bucket of that name already exists in
    /// any namespace, because bucket names are global.
    pub(super) fn create_bucket(&mut self, namespace: Namespace, base_name: &str, policy: Option<&PolicySpec>) {
        let name = format!("{base_name}{}", self.name_suffix);
        if self.buckets.iter().any(|bucket| bucket.name == name) {
            return;
        }
        // Bucket policies name every resource as `*`, so one statement covers
        // the bucket (ListBucket) and its objects (GetObject, PutObject).
        let document = policy.map(|policy| policy.to_json(&self.case.world, S3_POLICY_ACTIONS, "*"));
        let parsed = document.as_deref().map(|document| {
            crosscheck_policy::Policy::parse(document, crosscheck_policy::PolicyType::Resource)
                .expect("generated policies are valid")
        });
        let bucket = BucketState { name: name.clone(), namespace: namespace.clone(), keys: Vec::new(), policy: parsed };

        let mut steps = vec![("CreateBucket", create_bucket_input(&name, &namespace.region), Vec::new())];
        if let Some(document) = document {
            steps.push(("PutBucketPolicy", json!({ "Bucket": name, "Policy": document }), Vec::new()));
        }
        let target = Target { bucket: Some(self.buckets.len()), ..Target::default() };
        self.push_fixture("s3", &namespace, steps, target);
        self.created_buckets.push(bucket.clone());
        self.buckets.push(bucket);
    }

    pub(super) fn s3_call(&mut self, caller: &Namespace, call: &S3Call) {
        let step_number = self.steps.len() + 1;
        let Some(selected) = call.bucket() else {
            self.push_call_without_address("s3", caller, "ListBuckets", json!({}));
            return;
        };
        let index = selected.index(self.buckets.len());
        let name = self.buckets[index].name.clone();
        let key_of = |pick: &Pick| OBJECT_KEYS[pick.index(OBJECT_KEYS.len())].to_owned();

        let (operation, input, key) = match call {
            S3Call::PutObject(_, key) => {
                let input = json!({ "Bucket": name, "Key": key_of(key), "Body": format!("step {step_number}") });
                ("PutObject", input, Some(key_of(key)))
            }
            S3Call::GetObject(_, key) => {
                ("GetObject", json!({ "Bucket": name, "Key": key_of(key) }), Some(key_of(key)))
            }
            S3Call::DeleteObject(_, key) => {
                ("DeleteObject", json!({ "Bucket": name, "Key": key_of(key) }), Some(key_of(key)))
            }
            S3Call::ListObjectsV2(_) => ("ListObjectsV2", json!({ "Bucket": name }), None),
            S3Call::CreateBucket(_) => ("CreateBucket", create_bucket_input(&name, &caller.region), None),
            S3Call::ListBuckets => return,
        };

        let prediction = if operation == "CreateBucket" {
            self.predict_taken_bucket(caller, index)
        } else {
            self.predict_object_call(caller, operation, index, key.as_deref())
        };
        let owner = self.buckets[index].namespace.clone();
        let target = Target { bucket: Some(index), ..Target::default() };
        self.push_call("s3", caller, operation, input, prediction, Some(owner), AddressKind::GlobalName, target);
    }

    /// Predicts CreateBucket with the name of bucket `index`, which exists:
    /// another account gets BucketAlreadyExists, and the owner gets
    /// BucketAlreadyOwnedByYou, except in us-east-1, where S3 returns 200 OK
    /// for compatibility
    /// (<https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/s3/aws.sdk.kotlin.services.s3.model/-bucket-already-owned-by-you>).
    fn predict_taken_bucket(&self, caller: &Namespace, index: usize) -> Prediction {
        let bucket = &self.buckets[index];
        let code = if bucket.namespace.account_id != caller.account_id {
            "BucketAlreadyExists"
        } else if bucket.namespace.region != "us-east-1" {
            "BucketAlreadyOwnedByYou"
        } else {
            return Prediction::ok(None);
        };
        Prediction { class: OutcomeClass::of_error_code(code), code: Some(code), subset: None }
    }

    /// Predicts an object or listing call on bucket `index` and applies a
    /// predicted success to the model's state.
    fn predict_object_call(
        &mut self,
        caller: &Namespace,
        operation: &str,
        index: usize,
        key: Option<&str>,
    ) -> Prediction {
        let facts = model::facts("s3", operation);
        if let Err(class) = model::decide_bucket_access(self.profile, caller, &self.buckets[index], facts) {
            if class == OutcomeClass::Error {
                return Prediction { class, code: Some("AuthorizationHeaderMalformed"), subset: None };
            }
            return Prediction::error(class);
        }
        let bucket = &mut self.buckets[index];
        let key = key.unwrap_or_default().to_owned();
        match operation {
            "PutObject" => {
                if !bucket.keys.contains(&key) {
                    bucket.keys.push(key);
                }
                Prediction::ok(None)
            }
            "GetObject" if bucket.keys.contains(&key) => Prediction::ok(None),
            // A missing object is 404 only for a caller that may also list
            // the bucket, and 403 otherwise
            // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
            "GetObject" => {
                let list = model::facts("s3", "ListObjectsV2");
                match model::decide_bucket_access(self.profile, caller, bucket, list) {
                    Ok(()) => Prediction::error(OutcomeClass::NotFound),
                    Err(class) => Prediction::error(class),
                }
            }
            "DeleteObject" => {
                bucket.keys.retain(|existing| *existing != key);
                Prediction::ok(None)
            }
            "ListObjectsV2" => Prediction::ok(Some(json!({ "Name": bucket.name, "KeyCount": bucket.keys.len() }))),
            _ => Prediction::ok(None),
        }
    }
}

/// Builds CreateBucket's input for `name` in `region`; us-east-1 takes no
/// location constraint, and S3 rejects one that names it.
fn create_bucket_input(name: &str, region: &str) -> Value {
    if region == "us-east-1" {
        json!({ "Bucket": name })
    } else {
        json!({ "Bucket": name, "CreateBucketConfiguration": { "LocationConstraint": region } })
    }
}
