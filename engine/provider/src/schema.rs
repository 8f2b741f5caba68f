//! Schemas: the attributes and nested blocks of providers, resources and data sources.

use std::collections::BTreeMap;

use infra_core::Type;

/// One attribute of a block.
#[derive(Clone, Debug, Default)]
pub struct AttributeSchema {
    pub ty: Type,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    /// Set by the provider (when not configured, for optional+computed).
    pub computed: bool,
    pub sensitive: bool,
    /// A change to this attribute replaces the object.
    pub force_new: bool,
}

impl AttributeSchema {
    pub fn required(ty: Type) -> AttributeSchema {
        AttributeSchema {
            ty,
            required: true,
            ..Default::default()
        }
    }
    pub fn optional(ty: Type) -> AttributeSchema {
        AttributeSchema {
            ty,
            optional: true,
            ..Default::default()
        }
    }
    pub fn computed(ty: Type) -> AttributeSchema {
        AttributeSchema {
            ty,
            computed: true,
            ..Default::default()
        }
    }
    pub fn optional_computed(ty: Type) -> AttributeSchema {
        AttributeSchema {
            ty,
            optional: true,
            computed: true,
            ..Default::default()
        }
    }
    pub fn force_new(mut self) -> AttributeSchema {
        self.force_new = true;
        self
    }
    pub fn sensitive(mut self) -> AttributeSchema {
        self.sensitive = true;
        self
    }
    pub fn describe(mut self, d: &str) -> AttributeSchema {
        self.description = d.to_string();
        self
    }
}

/// How a nested block type repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// At most one block; an object (or null).
    Single,
    List,
    Set,
    /// Blocks with one label each; a map of objects.
    Map,
}

/// A nested block type.
#[derive(Clone, Debug)]
pub struct BlockTypeSchema {
    pub nesting: Nesting,
    pub block: BlockSchema,
    pub min_items: usize,
    pub max_items: usize,
    /// A change inside the block replaces the object.
    pub force_new: bool,
}

/// The attributes and nested block types of a block.
#[derive(Clone, Debug, Default)]
pub struct BlockSchema {
    pub attributes: BTreeMap<String, AttributeSchema>,
    pub block_types: BTreeMap<String, BlockTypeSchema>,
}

impl BlockSchema {
    pub fn attr(mut self, name: &str, a: AttributeSchema) -> BlockSchema {
        self.attributes.insert(name.to_string(), a);
        self
    }
    pub fn block(mut self, name: &str, b: BlockTypeSchema) -> BlockSchema {
        self.block_types.insert(name.to_string(), b);
        self
    }

    /// The object type of a value conforming to this block.
    pub fn value_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|(k, a)| (k.clone(), a.ty.clone()))
            .collect();
        for (k, b) in &self.block_types {
            let t = b.block.value_type();
            attrs.insert(
                k.clone(),
                match b.nesting {
                    Nesting::Single => t,
                    Nesting::List => Type::list(t),
                    Nesting::Set => Type::set(t),
                    Nesting::Map => Type::map(t),
                },
            );
        }
        Type::object(attrs)
    }
}

/// A managed resource type or data source.
#[derive(Clone, Debug, Default)]
pub struct ResourceSchema {
    /// Bumped when the stored shape changes, so old states can be upgraded.
    pub version: u64,
    pub block: BlockSchema,
}

/// Everything a provider declares.
#[derive(Clone, Debug, Default)]
pub struct ProviderSchema {
    pub provider: BlockSchema,
    pub resources: BTreeMap<String, ResourceSchema>,
    pub data_sources: BTreeMap<String, ResourceSchema>,
}
