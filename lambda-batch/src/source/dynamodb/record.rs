//! A DynamoDB Streams record.

use std::borrow::Cow;

use super::change::{ChangeKind, UserIdentity};
use crate::error::RecordError;
use crate::source::lazy::Raw;
use crate::source::sqs::own;

/// A record of a DynamoDB Streams batch: one change to one item.
///
/// Reading the event checks the identifier (`dynamodb.SequenceNumber`) and
/// the JSON types of the plain string fields. Images and numbers are kept as
/// their text and decoded by the accessor that reads them: a malformed image
/// fails only a handler that reads it (with `?`), with a [`RecordError`]
/// naming the attribute, such as `dynamodb.NewImage.items[2].qty`. Which
/// images are present depends on the stream's view type and the change (an
/// `INSERT` has no old image, a `REMOVE` no new one).
///
/// ```
/// use lambda_batch::source::{DynamoDb, EventSource};
///
/// let event = r#"{"Records":[{"eventName":"REMOVE",
///   "userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"},
///   "dynamodb":{"ApproximateCreationDateTime":1480642020.25,"Keys":{"Id":{"N":"101"}},
///     "OldImage":{"Id":{"N":"101"},"ExpiresAt":{"N":"1480642000"}},
///     "SequenceNumber":"222","SizeBytes":38,"StreamViewType":"OLD_IMAGE"}}]}"#;
/// let records = DynamoDb::parse(event)?;
/// let record = records[0].record().unwrap();
/// assert!(record.is_ttl_delete());
/// assert!(record.new_image()?.is_none());
/// assert_eq!(record.approximate_creation_date_time()?, Some(1480642020.25));
/// let old = record.old_image()?.unwrap();
/// let expires: u64 = old.get("ExpiresAt").unwrap().deserialize().unwrap();
/// assert_eq!(expires, 1_480_642_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DynamoDbRecord<'a> {
    pub(super) event_id: Option<Cow<'a, str>>,
    pub(super) event_name: Option<Cow<'a, str>>,
    pub(super) event_version: Option<Cow<'a, str>>,
    pub(super) event_source: Option<Cow<'a, str>>,
    pub(super) aws_region: Option<Cow<'a, str>>,
    pub(super) event_source_arn: Option<Cow<'a, str>>,
    pub(super) user_identity: Option<UserIdentity<'a>>,
    pub(super) approximate_creation_date_time: Raw<'a>,
    pub(super) keys: Raw<'a>,
    pub(super) new_image: Raw<'a>,
    pub(super) old_image: Raw<'a>,
    pub(super) sequence_number: Option<Cow<'a, str>>,
    pub(super) size_bytes: Raw<'a>,
    pub(super) stream_view_type: Option<Cow<'a, str>>,
}

impl<'a> DynamoDbRecord<'a> {
    /// A record with no field, to be read into.
    pub(super) fn empty() -> Self {
        DynamoDbRecord {
            event_id: None,
            event_name: None,
            event_version: None,
            event_source: None,
            aws_region: None,
            event_source_arn: None,
            user_identity: None,
            approximate_creation_date_time: Raw::default(),
            keys: Raw::default(),
            new_image: Raw::default(),
            old_image: Raw::default(),
            sequence_number: None,
            size_bytes: Raw::default(),
            stream_view_type: None,
        }
    }

    /// `dynamodb.SequenceNumber`, the record's identifier.
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// let records = DynamoDb::parse(r#"{"Records":[{"dynamodb":{"SequenceNumber":"111"}}]}"#).unwrap();
    /// assert_eq!(records[0].record().unwrap().sequence_number(), Some("111"));
    /// ```
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

    /// `dynamodb.SizeBytes`: the size of the stream record, read when asked
    /// for (a JSON number, or text holding one).
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","SizeBytes":26}},
    ///   {"dynamodb":{"SequenceNumber":"2","SizeBytes":-1}}]}"#;
    /// let records = DynamoDb::parse(event).unwrap();
    /// assert_eq!(records[0].record().unwrap().size_bytes(), Ok(Some(26)));
    /// assert!(records[1].record().unwrap().size_bytes().is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] when it is not a whole number of bytes.
    pub fn size_bytes(&self) -> Result<Option<u64>, RecordError> {
        const FIELD: &str = "dynamodb.SizeBytes";
        match self.size_bytes.number::<u64>(FIELD) {
            // A whole float below 2^64, such as `26.0`, converts exactly.
            Err(whole) => match self.size_bytes.number::<f64>(FIELD) {
                Ok(Some(v)) if v >= 0.0 && v.fract() == 0.0 && v < 18_446_744_073_709_551_616.0 => {
                    Ok(Some(v as u64))
                }
                _ => Err(whole),
            },
            read => read,
        }
    }

    /// `dynamodb.StreamViewType`: `KEYS_ONLY`, `NEW_IMAGE`, `OLD_IMAGE` or `NEW_AND_OLD_IMAGES`.
    pub fn stream_view_type(&self) -> Option<&str> {
        self.stream_view_type.as_deref()
    }

    /// `dynamodb.ApproximateCreationDateTime`, in seconds since the Unix
    /// epoch (sent as a whole number or with a fraction), read when asked for.
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","ApproximateCreationDateTime":1480642020.5}}]}"#;
    /// let records = DynamoDb::parse(event).unwrap();
    /// assert_eq!(records[0].record().unwrap().approximate_creation_date_time(), Ok(Some(1480642020.5)));
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] when it is not a finite number.
    pub fn approximate_creation_date_time(&self) -> Result<Option<f64>, RecordError> {
        self.approximate_creation_date_time
            .number("dynamodb.ApproximateCreationDateTime")
    }

    /// The same record, no longer borrowing from the event.
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, DynamoDbRecord, EventSource};
    /// let event = String::from(r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","Keys":{"k":{"S":"v"}}}}]}"#);
    /// let owned: DynamoDbRecord<'static> = DynamoDb::parse(&event).unwrap()[0].record().unwrap().clone().into_owned();
    /// drop(event);
    /// assert_eq!(owned.keys().unwrap().unwrap().get("k").unwrap().as_s(), Some("v"));
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
            approximate_creation_date_time: self.approximate_creation_date_time.into_owned(),
            keys: self.keys.into_owned(),
            new_image: self.new_image.into_owned(),
            old_image: self.old_image.into_owned(),
            sequence_number: own(self.sequence_number),
            size_bytes: self.size_bytes.into_owned(),
            stream_view_type: own(self.stream_view_type),
        }
    }
}
