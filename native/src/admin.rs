//! One admin round trip the JS binding lacks: DescribeConfigs for a topic. The binding consumer
//! (the fallback data path) cannot see each record's timestamp type, so the bridge reads the topic's
//! `message.timestamp.type` through this instead (lambda-esm.md: timestampType in the event).

use std::collections::HashMap;
use std::time::Duration;

use napi::bindgen_prelude::AsyncTask;
use napi::{Error, Status};
use rdkafka::admin::{AdminClient, AdminOptions, ResourceSpecifier};
use rdkafka::client::DefaultClientContext;
use rdkafka::ClientConfig;

use crate::tasks::{kafka_error, Job};

/// The topic's configuration entries that have a value (name → value), read with a short-lived admin
/// client built from `config` (the mapping's connection properties; consumer-only ones are ignored by
/// librdkafka). Rejects like the consumer's calls do (`rdkafka:<code>:<Name>: …`).
#[napi]
pub fn describe_topic_config(
    config: HashMap<String, String>,
    topic: String,
    timeout_ms: u32,
) -> AsyncTask<Job<HashMap<String, String>>> {
    AsyncTask::new(Job::new(move || {
        let mut cc = ClientConfig::new();
        for (k, v) in &config {
            cc.set(k, v);
        }
        let admin: AdminClient<DefaultClientContext> = cc.create().map_err(|e| kafka_error(&e))?;
        let options = AdminOptions::new().request_timeout(Some(Duration::from_millis(timeout_ms.into())));
        let results = futures_executor::block_on(admin.describe_configs(&[ResourceSpecifier::Topic(&topic)], &options))
            .map_err(|e| kafka_error(&e))?;
        let resource = results
            .into_iter()
            .next()
            .ok_or_else(|| Error::new(Status::GenericFailure, "rdkafka:-1:Unknown: no DescribeConfigs result".to_owned()))?
            .map_err(|code| Error::new(Status::GenericFailure, format!("rdkafka:{}:{code:?}: {code}", code as i32)))?;
        Ok(resource.entries.into_iter().filter_map(|e| e.value.map(|v| (e.name, v))).collect())
    }))
}
