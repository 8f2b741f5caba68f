//! `aws_instance`: an EC2 instance.
//!
//! ```hcl
//! data "aws_ami" "al2" {
//!   owners      = ["amazon"]
//!   most_recent = true
//!   filter {
//!     name   = "name"
//!     values = ["amzn2-ami-hvm-*-x86_64-gp2"]
//!   }
//! }
//!
//! resource "aws_instance" "web" {
//!   ami                         = data.aws_ami.al2.id
//!   instance_type               = "t3.micro"
//!   subnet_id                   = aws_subnet.public_a.id
//!   vpc_security_group_ids      = [aws_security_group.web.id]
//!   associate_public_ip_address = true
//!   user_data                   = file("init.sh")
//!   tags        = { Name = "web" }
//!   volume_tags = { Backup = "daily" }
//! }
//! ```
//!
//! Arguments: `ami` and `instance_type` (required), `subnet_id` (else the default VPC's subnet
//! AWS picks), `vpc_security_group_ids` (else the VPC's default group), `key_name`,
//! `associate_public_ip_address` (else the subnet's `map_public_ip_on_launch`), `private_ip`
//! (else AWS picks one), `user_data` (plain text; sent base64-encoded), `availability_zone`,
//! `tags`, `volume_tags` (tags for the volumes created with the instance). Computed: `id`, `arn`,
//! `instance_state`, `private_ip`, `public_ip`, `private_dns`, `public_dns`,
//! `primary_network_interface_id`, `availability_zone`, `subnet_id`, `vpc_security_group_ids`,
//! `key_name`, `associate_public_ip_address`, `tags_all`. (Launch templates, `user_data_base64`,
//! block device blocks, IAM instance profiles and IPv6 are not supported yet.)
//!
//! Replacement: a change to `ami`, `subnet_id`, `key_name`, `associate_public_ip_address`,
//! `private_ip`, `user_data` or `availability_zone`. In place: `vpc_security_group_ids`
//! (ModifyInstanceAttribute), `tags`, `volume_tags`, and `instance_type`, which stops a running
//! instance, changes the type and starts it again (as the Terraform AWS provider does). A stop
//! and start can give a public IP address that is not an Elastic IP a new value, so a type change
//! plans `public_ip` and `public_dns` as known only after apply.
//!
//! Creation is idempotent twice over: RunInstances carries a `ClientToken` derived from the
//! engine's intent marker (so the SDK's own retries never launch a second instance), and the
//! instance is tagged with the `infra:intent` tag at launch, which `find_by_intent` looks for
//! (ignoring instances that are terminated or shutting down). Create waits until the instance is
//! running (`timeouts.create`, default 10m); an instance type change waits for the stop and the
//! start (`timeouts.update`, default 10m).
//!
//! Delete terminates the instance and waits until it is terminated (`timeouts.delete`, default
//! 20m). A terminated instance reads as gone.
//!
//! Import: by instance id, `infra import aws_instance.web i-0123456789abcdef0`.

use std::collections::BTreeSet;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::operation::run_instances::builders::RunInstancesFluentBuilder;
use aws_sdk_ec2::types::{
    AttributeValue, Filter, Instance, InstanceAttributeName, InstanceNetworkInterfaceSpecification,
    InstanceStateName, InstanceType, Placement, ResourceType, Tag, TagSpecification,
};
use aws_smithy_types::base64;
use infra_core::{Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, with_id_and_tags, with_timeouts};
use crate::duration::timeout;
use crate::ec2::{arn, intent_filter, state_tags_of, tag_map, tag_spec, update_tags};
use crate::error::{none_if_not_found, Error, Result};
use crate::framework::{Attrs, AwsResource, Ctx};
use crate::retry::{retry_on, wait_for, Backoff};
use crate::tags::INTENT_TAG;
use crate::values::{bool_at, opt, req_str, str_at, string_map_at, strings_at};

pub(crate) struct Ec2Instance;

const CREATE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
const UPDATE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
const DELETE_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The longest `ClientToken` EC2 accepts.
const CLIENT_TOKEN_MAX: usize = 64;

#[async_trait]
impl AwsResource for Ec2Instance {
    fn type_name(&self) -> &'static str {
        "aws_instance"
    }

    fn schema(&self) -> ResourceSchema {
        let s = || AttributeSchema::optional_computed(Type::String);
        let block = BlockSchema::default()
            .attr(
                "ami",
                AttributeSchema::required(Type::String)
                    .force_new()
                    .describe("The AMI to launch the instance from."),
            )
            .attr(
                "instance_type",
                AttributeSchema::required(Type::String)
                    .describe("The instance type (a change stops and restarts the instance)."),
            )
            .attr("subnet_id", s().force_new())
            .attr(
                "vpc_security_group_ids",
                AttributeSchema::optional_computed(Type::set(Type::String)),
            )
            .attr("key_name", s().force_new())
            .attr(
                "associate_public_ip_address",
                AttributeSchema::optional_computed(Type::Bool).force_new(),
            )
            .attr("private_ip", s().force_new())
            .attr(
                "user_data",
                AttributeSchema::optional(Type::String)
                    .force_new()
                    .describe("User data, as plain text."),
            )
            .attr("availability_zone", s().force_new())
            .attr(
                "volume_tags",
                AttributeSchema::optional(Type::map(Type::String))
                    .describe("Tags for the volumes created with the instance."),
            )
            .attr("arn", computed_s())
            .attr("instance_state", computed_s())
            .attr("public_ip", computed_s())
            .attr("private_dns", computed_s())
            .attr("public_dns", computed_s())
            .attr("primary_network_interface_id", computed_s());
        ResourceSchema {
            version: 0,
            block: with_timeouts(with_id_and_tags(block), &["create", "update", "delete"]),
        }
    }

    /// A type change stops and starts a running instance, which can change its public address.
    fn adjust_plan(&self, proposed: &mut Attrs, prior: Option<&Attrs>, _config: &Attrs) {
        let Some(prior) = prior else { return };
        let resized = proposed.get("instance_type") != prior.get("instance_type");
        let running = prior.get("instance_state") == Some(&Value::string("running"));
        if resized && running {
            for name in ["public_ip", "public_dns"] {
                proposed.insert(name.to_string(), Value::Unknown(Type::String));
            }
        }
    }

    async fn create(&self, ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<J> {
        // Right after their create, a subnet, security group or key pair may not be visible to
        // RunInstances yet. The client token makes the retries safe; a missing AMI is final.
        let not_visible_yet = |e: &Error| {
            e.is_not_found() && !e.code().is_some_and(|c| c.starts_with("InvalidAMIID"))
        };
        let b = Backoff::within(Duration::from_secs(30));
        let out = retry_on(
            &ctx.stop,
            b,
            "launching the instance",
            not_visible_yet,
            || async {
                run_request(ctx, planned, intent)?
                    .send()
                    .await
                    .map_err(|e| Error::sdk("RunInstances", e))
            },
        )
        .await?;
        let id = out
            .instances()
            .first()
            .and_then(Instance::instance_id)
            .ok_or_else(|| Error::bug("RunInstances returned no instance id."))?
            .to_string();
        let finish = async {
            let t = timeout(planned, "create", CREATE_TIMEOUT);
            wait_state(ctx, &id, InstanceStateName::Running, t).await?;
            read(ctx, &id, planned)
                .await?
                .ok_or_else(|| Error::bug("The new instance disappeared."))
        };
        finish.await.map_err(Error::after_create(&id))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let id = req_str(prior, "id")?;
        let groups: BTreeSet<String> = strings_at(planned, "vpc_security_group_ids")
            .into_iter()
            .collect();
        let had: BTreeSet<String> = strings_at(prior, "vpc_security_group_ids")
            .into_iter()
            .collect();
        if groups != had && !groups.is_empty() {
            ctx.ec2()
                .modify_instance_attribute()
                .instance_id(id)
                .set_groups(Some(groups.into_iter().collect()))
                .send()
                .await
                .map_err(|e| Error::sdk("ModifyInstanceAttribute", e))?;
        }
        let new_type = req_str(planned, "instance_type")?;
        if str_at(prior, "instance_type") != Some(new_type) {
            resize(
                ctx,
                id,
                new_type,
                timeout(planned, "update", UPDATE_TIMEOUT),
            )
            .await?;
        }
        update_tags(ctx, id, prior, planned).await?;
        if prior.get("volume_tags") != planned.get("volume_tags") {
            update_volume_tags(ctx, id, prior, planned).await?;
        }
        read(ctx, id, planned)
            .await?
            .ok_or_else(|| Error::bug("The instance disappeared during update."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let id = req_str(prior, "id")?;
        ctx.ec2()
            .terminate_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(|e| Error::sdk("TerminateInstances", e))?;
        let t = timeout(prior, "delete", DELETE_TIMEOUT);
        wait_for(
            &ctx.stop,
            Backoff::within(t),
            "the instance to terminate",
            || async {
                Ok(match describe(ctx, id).await? {
                    None => Some(()),
                    Some((i, _)) => {
                        (state_of(&i) == Some(&InstanceStateName::Terminated)).then_some(())
                    }
                })
            },
        )
        .await
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, req_str(prior, "id")?, prior).await
    }

    async fn find_by_intent(&self, ctx: &Ctx, marker: &str) -> Result<Option<J>> {
        let live = Filter::builder()
            .name("instance-state-name")
            .set_values(Some(
                ["pending", "running", "stopping", "stopped"]
                    .map(str::to_string)
                    .to_vec(),
            ))
            .build();
        let out = ctx
            .ec2()
            .describe_instances()
            .filters(intent_filter(marker))
            .filters(live)
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeInstances", e))?;
        let found = out
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .find_map(Instance::instance_id);
        match found {
            Some(id) => read(ctx, id, &J::Null).await,
            None => Ok(None),
        }
    }
}

/// The `ClientToken` for a create with the intent `marker`: the marker itself when EC2 accepts it
/// (at most 64 printable ASCII characters), else a readable prefix of it and a hash of all of it.
pub(crate) fn client_token(marker: &str) -> String {
    if marker.len() <= CLIENT_TOKEN_MAX && marker.bytes().all(|b| b.is_ascii_graphic()) {
        return marker.to_string();
    }
    let hash = format!(
        "{:016x}{:016x}",
        fnv1a(marker.bytes(), 0xcbf2_9ce4_8422_2325),
        fnv1a(marker.bytes().rev(), 0x6c62_272e_07bb_0142)
    );
    let prefix: String = marker
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(CLIENT_TOKEN_MAX - hash.len() - 1)
        .collect();
    format!("{prefix}-{hash}")
}

/// 64-bit FNV-1a from the offset basis `basis` (stable across builds and platforms).
fn fnv1a(bytes: impl Iterator<Item = u8>, basis: u64) -> u64 {
    bytes.fold(basis, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The RunInstances call for `planned`.
fn run_request(ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<RunInstancesFluentBuilder> {
    let groups = Some(strings_at(planned, "vpc_security_group_ids")).filter(|g| !g.is_empty());
    let subnet = str_at(planned, "subnet_id").map(str::to_string);
    let private_ip = str_at(planned, "private_ip").map(str::to_string);
    let tag_specs: Vec<TagSpecification> = [
        tag_spec(ResourceType::Instance, planned, intent),
        volume_tag_spec(planned),
    ]
    .into_iter()
    .flatten()
    .collect();
    let call = ctx
        .ec2()
        .run_instances()
        .image_id(req_str(planned, "ami")?)
        .instance_type(InstanceType::from(req_str(planned, "instance_type")?))
        .min_count(1)
        .max_count(1)
        .set_client_token(intent.map(client_token))
        .set_key_name(str_at(planned, "key_name").map(str::to_string))
        .set_user_data(str_at(planned, "user_data").map(base64::encode))
        .set_placement(
            str_at(planned, "availability_zone")
                .map(|az| Placement::builder().availability_zone(az).build()),
        )
        .set_tag_specifications(Some(tag_specs).filter(|t| !t.is_empty()));
    // Only a network interface specification can choose whether to associate a public address;
    // the subnet, groups and private address then go into it too.
    Ok(match bool_at(planned, "associate_public_ip_address") {
        Some(public) => call.network_interfaces(
            InstanceNetworkInterfaceSpecification::builder()
                .device_index(0)
                .associate_public_ip_address(public)
                .set_subnet_id(subnet)
                .set_groups(groups)
                .set_private_ip_address(private_ip)
                .build(),
        ),
        None => call
            .set_subnet_id(subnet)
            .set_security_group_ids(groups)
            .set_private_ip_address(private_ip),
    })
}

/// The `TagSpecifications` entry for `volume_tags`.
fn volume_tag_spec(planned: &J) -> Option<TagSpecification> {
    let tags = string_map_at(planned, "volume_tags");
    if tags.is_empty() {
        return None;
    }
    let tags = tags
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    Some(
        TagSpecification::builder()
            .resource_type(ResourceType::Volume)
            .set_tags(Some(tags))
            .build(),
    )
}

fn state_of(i: &Instance) -> Option<&InstanceStateName> {
    i.state().and_then(|s| s.name())
}

/// The instance and the account that owns it; `None` when EC2 does not know it.
async fn describe(ctx: &Ctx, id: &str) -> Result<Option<(Instance, Option<String>)>> {
    Ok(none_if_not_found(
        ctx.ec2()
            .describe_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeInstances", e)),
    )?
    .and_then(|out| {
        out.reservations().iter().find_map(|r| {
            let i = r.instances().first()?;
            Some((i.clone(), r.owner_id().map(str::to_string)))
        })
    }))
}

/// Waits until the instance is in state `want`; fails at once if it goes away instead.
async fn wait_state(ctx: &Ctx, id: &str, want: InstanceStateName, t: Duration) -> Result<()> {
    let what = format!("the instance {id} to be {want}");
    wait_for(&ctx.stop, Backoff::within(t), &what, || async {
        let Some((i, _)) = describe(ctx, id).await? else {
            return Ok(None);
        };
        match state_of(&i) {
            Some(s) if *s == want => Ok(Some(())),
            Some(s @ (InstanceStateName::Terminated | InstanceStateName::ShuttingDown)) => {
                let reason = i
                    .state_reason()
                    .and_then(|r| r.message())
                    .filter(|m| !m.is_empty())
                    .unwrap_or("no reason given");
                Err(Error::invalid(
                    "Instance went away",
                    format!(
                        "Waiting for the instance {id} to be {want}, it became {s} ({reason})."
                    ),
                ))
            }
            _ => Ok(None),
        }
    })
    .await
}

/// Changes the instance type: stop, ModifyInstanceAttribute, and start again if it was running.
async fn resize(ctx: &Ctx, id: &str, new_type: &str, t: Duration) -> Result<()> {
    let Some((i, _)) = describe(ctx, id).await? else {
        return Err(Error::invalid(
            "Instance not found",
            format!("The instance {id} disappeared before its type could be changed."),
        ));
    };
    let state = state_of(&i).cloned();
    let was_running = matches!(
        state,
        Some(InstanceStateName::Running | InstanceStateName::Pending)
    );
    if state != Some(InstanceStateName::Stopped) {
        ctx.ec2()
            .stop_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(|e| Error::sdk("StopInstances", e))?;
        wait_state(ctx, id, InstanceStateName::Stopped, t).await?;
    }
    ctx.ec2()
        .modify_instance_attribute()
        .instance_id(id)
        .instance_type(AttributeValue::builder().value(new_type).build())
        .send()
        .await
        .map_err(|e| Error::sdk("ModifyInstanceAttribute", e))?;
    if was_running {
        ctx.ec2()
            .start_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(|e| Error::sdk("StartInstances", e))?;
        wait_state(ctx, id, InstanceStateName::Running, t).await?;
    }
    Ok(())
}

/// The EBS volumes attached to the instance, the root volume first.
fn volume_ids(i: &Instance) -> Vec<String> {
    let mut v: Vec<(bool, String)> = i
        .block_device_mappings()
        .iter()
        .filter_map(|m| {
            let id = m.ebs()?.volume_id()?.to_string();
            Some((m.device_name() != i.root_device_name(), id))
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, id)| id).collect()
}

/// Brings the tags of every attached volume from the prior `volume_tags` to the planned ones.
async fn update_volume_tags(ctx: &Ctx, id: &str, prior: &J, planned: &J) -> Result<()> {
    let Some((i, _)) = describe(ctx, id).await? else {
        return Ok(());
    };
    let have = json!({ "tags_all": prior.get("volume_tags") });
    let want = json!({ "tags_all": planned.get("volume_tags") });
    for vol in volume_ids(&i) {
        update_tags(ctx, &vol, &have, &want).await?;
    }
    Ok(())
}

/// The tags of the root volume (empty when it has none or there is none).
async fn root_volume_tags(ctx: &Ctx, i: &Instance) -> Result<serde_json::Map<String, J>> {
    let Some(vol) = volume_ids(i).into_iter().next() else {
        return Ok(serde_json::Map::new());
    };
    let out = match ctx.ec2().describe_volumes().volume_ids(vol).send().await {
        Ok(out) => out,
        Err(e) => match Error::sdk("DescribeVolumes", e) {
            e if e.is_not_found() => return Ok(serde_json::Map::new()),
            e => return Err(e),
        },
    };
    let tags = out
        .volumes()
        .first()
        .map(|v| tag_map(v.tags()))
        .unwrap_or_default();
    Ok(tags
        .into_iter()
        .filter(|(k, _)| k != INTENT_TAG)
        .map(|(k, v)| (k, J::String(v)))
        .collect())
}

/// The instance's user data as text; `Ok(None)` for none, `Err` with NotFound when the instance
/// is gone.
async fn user_data(ctx: &Ctx, id: &str) -> Result<Option<String>> {
    let out = ctx
        .ec2()
        .describe_instance_attribute()
        .instance_id(id)
        .attribute(InstanceAttributeName::UserData)
        .send()
        .await
        .map_err(|e| Error::sdk("DescribeInstanceAttribute", e))?;
    let Some(encoded) = out
        .user_data()
        .and_then(AttributeValue::value)
        .filter(|s| !s.is_empty())
    else {
        return Ok(None);
    };
    let bytes = base64::decode(encoded).map_err(|e| {
        Error::invalid(
            "Unreadable user data",
            format!(
                "DescribeInstanceAttribute returned user data of {id} that is not base64 ({e})."
            ),
        )
    })?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

async fn read(ctx: &Ctx, id: &str, prior: &J) -> Result<Option<J>> {
    let Some((i, owner)) = describe(ctx, id).await? else {
        return Ok(None);
    };
    if state_of(&i) == Some(&InstanceStateName::Terminated) {
        return Ok(None);
    }
    let user_data = match user_data(ctx, id).await {
        Ok(u) => u,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    // Volume tags are tracked only when configured, or when adopting an instance (import,
    // intent lookup), where the state has no opinion yet.
    let volume_tags = match prior.get("volume_tags") {
        Some(J::Null) => J::Null,
        Some(_) => J::Object(root_volume_tags(ctx, &i).await?),
        None => Some(root_volume_tags(ctx, &i).await?)
            .filter(|t| !t.is_empty())
            .map_or(J::Null, J::Object),
    };
    let primary = i
        .network_interfaces()
        .iter()
        .find(|n| n.attachment().and_then(|a| a.device_index()) == Some(0));
    let groups: BTreeSet<&str> = match primary {
        Some(n) => n.groups().iter().filter_map(|g| g.group_id()).collect(),
        None => i
            .security_groups()
            .iter()
            .filter_map(|g| g.group_id())
            .collect(),
    };
    let public = primary
        .and_then(|n| n.association())
        .and_then(|a| a.public_ip())
        .or(i.public_ip_address())
        .is_some_and(|ip| !ip.is_empty());
    let (tags, tags_all) = state_tags_of(ctx, i.tags(), prior);
    Ok(Some(json!({
        "id": id,
        "arn": arn(ctx, owner.as_deref(), &format!("instance/{id}")),
        "ami": i.image_id(),
        "instance_type": i.instance_type().map(InstanceType::as_str),
        "subnet_id": opt(i.subnet_id()),
        "vpc_security_group_ids": groups,
        "key_name": opt(i.key_name()),
        "associate_public_ip_address": public,
        "private_ip": opt(i.private_ip_address()),
        "public_ip": opt(i.public_ip_address()),
        "private_dns": opt(i.private_dns_name()),
        "public_dns": opt(i.public_dns_name()),
        "user_data": user_data,
        "availability_zone": opt(i.placement().and_then(|p| p.availability_zone())),
        "instance_state": state_of(&i).map(InstanceStateName::as_str),
        "primary_network_interface_id": opt(primary.and_then(|n| n.network_interface_id())),
        "tags": tags,
        "tags_all": tags_all,
        "volume_tags": volume_tags,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_tokens_fit_ec2s_limit_and_stay_stable() {
        assert_eq!(
            client_token("infra:run1:aws_instance.web"),
            "infra:run1:aws_instance.web"
        );
        let long = format!(
            "infra:{}:module.app.aws_instance.web[\"a b\"]",
            "r".repeat(40)
        );
        let t = client_token(&long);
        assert!(t.len() <= CLIENT_TOKEN_MAX, "{t}");
        assert!(t.bytes().all(|b| b.is_ascii_graphic()), "{t}");
        assert_eq!(t, client_token(&long));
        assert_ne!(t, client_token(&long.replace("web", "db")));
        let spaced = client_token("infra:r:aws_instance.x[\"a b\"]");
        assert!(spaced.bytes().all(|b| b.is_ascii_graphic()), "{spaced}");
        let unicode = client_token("infra:r:aws_instance.x[\"é\"]");
        assert!(unicode.is_ascii() && unicode.len() <= CLIENT_TOKEN_MAX);
    }
}
