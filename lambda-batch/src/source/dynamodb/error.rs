//! Why an image, or an attribute value, does not read or convert.

use std::fmt;

use serde::de;

use crate::error::RecordError;

/// An image or attribute value does not read, or does not convert into the
/// Rust type asked for.
///
/// [`path`](Self::path) names the attribute, from the top of the image:
/// `order.items[2].qty` is the `qty` attribute of the third element of the
/// `items` list in the `order` map.
///
/// ```
/// use lambda_batch::source::dynamodb;
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Item { qty: u32 }
/// let err = dynamodb::from_str::<Item>(r#"{"qty":{"S":"two"}}"#).unwrap_err();
/// assert_eq!(err.path(), "qty");
/// assert_eq!(err.message(), r#"invalid type: string "two", expected u32"#);
/// assert_eq!(err.to_string(), r#"qty: invalid type: string "two", expected u32"#);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ImageError(
    // Boxed: a result of the reader is then hardly larger than its value.
    Box<Inner>,
);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    path: String,
    message: String,
}

impl fmt::Debug for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImageError")
            .field("path", &self.0.path)
            .field("message", &self.0.message)
            .finish()
    }
}

impl ImageError {
    /// An error about the value itself (no path yet).
    #[cold]
    pub(super) fn new(message: impl Into<String>) -> Self {
        ImageError(Box::new(Inner {
            path: String::new(),
            message: message.into(),
        }))
    }

    /// Where in the image: attribute names joined by `.`, list positions as
    /// `[n]`; empty for the image (or value) itself.
    ///
    /// ```
    /// # use lambda_batch::source::dynamodb;
    /// let err = dynamodb::from_str::<std::collections::HashMap<String, Vec<u8>>>(
    ///     r#"{"a":{"L":[{"N":"1"},{"N":"300"}]}}"#,
    /// ).unwrap_err();
    /// assert_eq!(err.path(), "a[1]");
    /// ```
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// What is wrong there.
    ///
    /// ```
    /// # use lambda_batch::source::dynamodb;
    /// let err = dynamodb::from_str::<u8>(r#"{"a":{"N":"1"}}"#).unwrap_err();
    /// assert_eq!(err.message(), "invalid type: map, expected u8");
    /// ```
    pub fn message(&self) -> &str {
        &self.0.message
    }

    #[cold]
    pub(super) fn at_key(mut self, key: &str) -> Self {
        prefix_key(&mut self.0.path, key);
        self
    }

    #[cold]
    pub(super) fn at_index(mut self, index: usize) -> Self {
        prefix_index(&mut self.0.path, index);
        self
    }

    /// The record error for this problem in the image at `field`, such as
    /// `dynamodb.NewImage`: the field is the image's name and the path.
    pub(super) fn into_record_error(self, field: &str) -> RecordError {
        let Inner { mut path, message } = *self.0;
        prefix_key(&mut path, field);
        RecordError::InvalidValue {
            field: path,
            reason: message,
        }
    }
}

/// Puts attribute `key` in front of `path`.
fn prefix_key(path: &mut String, key: &str) {
    if !path.is_empty() && !path.starts_with('[') {
        path.insert(0, '.');
    }
    path.insert_str(0, key);
}

/// Puts list position `index` in front of `path`.
fn prefix_index(path: &mut String, index: usize) {
    if !path.is_empty() && !path.starts_with('[') {
        path.insert(0, '.');
    }
    path.insert_str(0, &format!("[{index}]"));
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.path.is_empty() {
            f.write_str(&self.0.message)
        } else {
            write!(f, "{}: {}", self.0.path, self.0.message)
        }
    }
}

impl std::error::Error for ImageError {}

impl de::Error for ImageError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ImageError::new(msg.to_string())
    }
}
