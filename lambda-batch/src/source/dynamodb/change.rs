//! What changed, and who changed it: a record's `eventName` and `userIdentity`.

use std::borrow::Cow;
use std::fmt;

use crate::source::sqs::own;

/// What happened to the item: the record's `eventName`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// `INSERT`: a new item was added.
    Insert,
    /// `MODIFY`: an item was updated.
    Modify,
    /// `REMOVE`: an item was deleted (by a request, or by TTL).
    Remove,
}

impl ChangeKind {
    /// The kind named by an `eventName`, if it is one of the three.
    ///
    /// ```
    /// # use lambda_batch::source::dynamodb::ChangeKind;
    /// assert_eq!(ChangeKind::from_event_name("MODIFY"), Some(ChangeKind::Modify));
    /// assert_eq!(ChangeKind::from_event_name("modify"), None);
    /// ```
    pub fn from_event_name(name: &str) -> Option<ChangeKind> {
        match name {
            "INSERT" => Some(ChangeKind::Insert),
            "MODIFY" => Some(ChangeKind::Modify),
            "REMOVE" => Some(ChangeKind::Remove),
            _ => None,
        }
    }

    /// The `eventName`: `INSERT`, `MODIFY` or `REMOVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Insert => "INSERT",
            ChangeKind::Modify => "MODIFY",
            ChangeKind::Remove => "REMOVE",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who made the change (`userIdentity`): present on items that DynamoDB
/// deleted itself because their time to live expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserIdentity<'a> {
    pub(super) identity_type: Option<Cow<'a, str>>,
    pub(super) principal_id: Option<Cow<'a, str>>,
}

impl<'a> UserIdentity<'a> {
    /// `type`: `Service` for TTL deletes.
    pub fn identity_type(&self) -> Option<&str> {
        self.identity_type.as_deref()
    }

    /// `principalId`: `dynamodb.amazonaws.com` for TTL deletes.
    pub fn principal_id(&self) -> Option<&str> {
        self.principal_id.as_deref()
    }

    /// Whether this is DynamoDB's time-to-live process: type `Service`,
    /// principal `dynamodb.amazonaws.com`.
    pub fn is_ttl_delete(&self) -> bool {
        self.identity_type() == Some("Service")
            && self.principal_id() == Some("dynamodb.amazonaws.com")
    }

    pub(super) fn into_owned(self) -> UserIdentity<'static> {
        UserIdentity {
            identity_type: own(self.identity_type),
            principal_id: own(self.principal_id),
        }
    }
}
