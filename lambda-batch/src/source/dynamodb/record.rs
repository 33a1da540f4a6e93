//! A DynamoDB Streams record.

use std::borrow::Cow;
use std::fmt;

use super::image::Image;
use super::parse::ImageWire;
use super::{StreamWire, UserIdentityWire, Wire};
use crate::error::RecordError;
use crate::source::lenient::{opt, req, Field, Num, Obj};
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
    identity_type: Option<Cow<'a, str>>,
    principal_id: Option<Cow<'a, str>>,
}

impl<'a> UserIdentity<'a> {
    fn from_wire(w: UserIdentityWire<'a>) -> Result<Self, RecordError> {
        Ok(UserIdentity {
            identity_type: opt(w.identity_type, "userIdentity.type")?,
            principal_id: opt(w.principal_id, "userIdentity.principalId")?,
        })
    }

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

    fn into_owned(self) -> UserIdentity<'static> {
        UserIdentity {
            identity_type: own(self.identity_type),
            principal_id: own(self.principal_id),
        }
    }
}

/// A record of a DynamoDB Streams batch: one change to one item.
///
/// Its images are read when the event is read: a record with a malformed
/// image fails without reaching the handler. Which images are present
/// depends on the stream's view type and the change (an `INSERT` has no old
/// image, a `REMOVE` no new one).
///
/// ```
/// use lambda_batch::source::{DynamoDb, EventSource};
///
/// let event = r#"{"Records":[{"eventName":"REMOVE",
///   "userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"},
///   "dynamodb":{"ApproximateCreationDateTime":1480642020.25,"Keys":{"Id":{"N":"101"}},
///     "OldImage":{"Id":{"N":"101"},"ExpiresAt":{"N":"1480642000"}},
///     "SequenceNumber":"222","SizeBytes":38,"StreamViewType":"OLD_IMAGE"}}]}"#;
/// let records = DynamoDb::parse(event).unwrap();
/// let record = records[0].record().unwrap();
/// assert!(record.is_ttl_delete());
/// assert!(record.new_image().is_none());
/// assert_eq!(record.approximate_creation_date_time(), Some(1480642020.25));
/// let expires: u64 = record.old_image().unwrap().get("ExpiresAt").unwrap().deserialize().unwrap();
/// assert_eq!(expires, 1_480_642_000);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DynamoDbRecord<'a> {
    event_id: Option<Cow<'a, str>>,
    event_name: Option<Cow<'a, str>>,
    event_version: Option<Cow<'a, str>>,
    event_source: Option<Cow<'a, str>>,
    aws_region: Option<Cow<'a, str>>,
    event_source_arn: Option<Cow<'a, str>>,
    user_identity: Option<UserIdentity<'a>>,
    approximate_creation_date_time: Option<f64>,
    keys: Option<Image<'a>>,
    new_image: Option<Image<'a>>,
    old_image: Option<Image<'a>>,
    sequence_number: Option<Cow<'a, str>>,
    size_bytes: Option<u64>,
    stream_view_type: Option<Cow<'a, str>>,
}

fn image<'a>(
    field: Field<ImageWire<'a>>,
    name: &'static str,
) -> Result<Option<Image<'a>>, RecordError> {
    match opt(field, name)? {
        Some(ImageWire(Ok(image))) => Ok(Some(image)),
        Some(ImageWire(Err(problem))) => Err(problem.into_record_error(name)),
        None => Ok(None),
    }
}

fn size(field: Field<Num>) -> Result<Option<u64>, RecordError> {
    const NAME: &str = "dynamodb.SizeBytes";
    opt(field, NAME)?
        .map(|n| match n {
            Num::U(v) => Ok(v),
            // A whole float below 2^64 converts exactly.
            Num::F(v) if v >= 0.0 && v.fract() == 0.0 && v < 18_446_744_073_709_551_616.0 => {
                Ok(v as u64)
            }
            other => Err(RecordError::InvalidValue {
                field: NAME.to_owned(),
                reason: format!("{} is not a whole number of bytes", other.as_f64()),
            }),
        })
        .transpose()
}

impl<'a> DynamoDbRecord<'a> {
    pub(super) fn from_wire(w: Wire<'a>) -> Result<Self, RecordError> {
        let Obj(stream): Obj<Box<StreamWire<'a>>> = req(w.dynamodb, "dynamodb")?;
        let stream = *stream;
        let user_identity = opt(w.user_identity, "userIdentity")?
            .map(|Obj(u)| UserIdentity::from_wire(u))
            .transpose()?;
        Ok(DynamoDbRecord {
            keys: image(stream.keys, "dynamodb.Keys")?,
            new_image: image(stream.new_image, "dynamodb.NewImage")?,
            old_image: image(stream.old_image, "dynamodb.OldImage")?,
            sequence_number: opt(stream.sequence_number, "dynamodb.SequenceNumber")?,
            size_bytes: size(stream.size_bytes)?,
            stream_view_type: opt(stream.stream_view_type, "dynamodb.StreamViewType")?,
            approximate_creation_date_time: opt(
                stream.approximate_creation_date_time,
                "dynamodb.ApproximateCreationDateTime",
            )?
            .map(Num::as_f64),
            event_id: opt(w.event_id, "eventID")?,
            event_name: opt(w.event_name, "eventName")?,
            event_version: opt(w.event_version, "eventVersion")?,
            event_source: opt(w.event_source, "eventSource")?,
            aws_region: opt(w.aws_region, "awsRegion")?,
            event_source_arn: opt(w.event_source_arn, "eventSourceARN")?,
            user_identity,
        })
    }

    /// `dynamodb.SequenceNumber`, the record's identifier.
    pub fn sequence_number(&self) -> Option<&str> {
        self.sequence_number.as_deref()
    }
    /// `eventID`: unique per record.
    pub fn event_id(&self) -> Option<&str> {
        self.event_id.as_deref()
    }
    /// `eventName`: `INSERT`, `MODIFY` or `REMOVE`.
    pub fn event_name(&self) -> Option<&str> {
        self.event_name.as_deref()
    }
    /// The change, from `eventName`; `None` when it is absent or not one of the three.
    pub fn change(&self) -> Option<ChangeKind> {
        self.event_name
            .as_deref()
            .and_then(ChangeKind::from_event_name)
    }
    /// `eventVersion`.
    pub fn event_version(&self) -> Option<&str> {
        self.event_version.as_deref()
    }
    /// `eventSource`, normally `aws:dynamodb`.
    pub fn event_source(&self) -> Option<&str> {
        self.event_source.as_deref()
    }
    /// `awsRegion`.
    pub fn aws_region(&self) -> Option<&str> {
        self.aws_region.as_deref()
    }
    /// `eventSourceARN`: the stream's ARN.
    pub fn event_source_arn(&self) -> Option<&str> {
        self.event_source_arn.as_deref()
    }
    /// `userIdentity`, present on TTL deletes.
    pub fn user_identity(&self) -> Option<&UserIdentity<'a>> {
        self.user_identity.as_ref()
    }
    /// Whether DynamoDB deleted the item itself because its time to live
    /// expired: a `REMOVE` by the TTL service.
    pub fn is_ttl_delete(&self) -> bool {
        self.change() == Some(ChangeKind::Remove)
            && self
                .user_identity
                .as_ref()
                .is_some_and(UserIdentity::is_ttl_delete)
    }
    /// `dynamodb.Keys`: the key attributes of the item.
    pub fn keys(&self) -> Option<&Image<'a>> {
        self.keys.as_ref()
    }
    /// `dynamodb.NewImage`: the item after the change.
    pub fn new_image(&self) -> Option<&Image<'a>> {
        self.new_image.as_ref()
    }
    /// `dynamodb.OldImage`: the item before the change.
    pub fn old_image(&self) -> Option<&Image<'a>> {
        self.old_image.as_ref()
    }
    /// `dynamodb.SizeBytes`: the size of the stream record.
    pub fn size_bytes(&self) -> Option<u64> {
        self.size_bytes
    }
    /// `dynamodb.StreamViewType`: `KEYS_ONLY`, `NEW_IMAGE`, `OLD_IMAGE` or `NEW_AND_OLD_IMAGES`.
    pub fn stream_view_type(&self) -> Option<&str> {
        self.stream_view_type.as_deref()
    }
    /// `dynamodb.ApproximateCreationDateTime`, in seconds since the Unix
    /// epoch (sent as a whole number or with a fraction).
    pub fn approximate_creation_date_time(&self) -> Option<f64> {
        self.approximate_creation_date_time
    }

    /// The same record, no longer borrowing from the event.
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, DynamoDbRecord, EventSource};
    /// let event = String::from(r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","Keys":{"k":{"S":"v"}}}}]}"#);
    /// let owned: DynamoDbRecord<'static> = DynamoDb::parse(&event).unwrap()[0].record().unwrap().clone().into_owned();
    /// drop(event);
    /// assert_eq!(owned.keys().unwrap().get("k").unwrap().as_s(), Some("v"));
    /// ```
    pub fn into_owned(self) -> DynamoDbRecord<'static> {
        DynamoDbRecord {
            event_id: own(self.event_id),
            event_name: own(self.event_name),
            event_version: own(self.event_version),
            event_source: own(self.event_source),
            aws_region: own(self.aws_region),
            event_source_arn: own(self.event_source_arn),
            user_identity: self.user_identity.map(UserIdentity::into_owned),
            approximate_creation_date_time: self.approximate_creation_date_time,
            keys: self.keys.map(Image::into_owned),
            new_image: self.new_image.map(Image::into_owned),
            old_image: self.old_image.map(Image::into_owned),
            sequence_number: own(self.sequence_number),
            size_bytes: self.size_bytes,
            stream_view_type: own(self.stream_view_type),
        }
    }
}
