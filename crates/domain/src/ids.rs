//! Identifiers the store assigns to records. Plain integers so that SQLite `INTEGER` and
//! PostgreSQL `BIGINT` keys map straight across; the types keep them from being mixed up.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a key the store assigned.
            pub const fn new(key: i64) -> Self {
                Self(key)
            }

            /// The key.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id!(
    /// A registered patient.
    PatientId
);
id!(
    /// A user account (staff, patient or carer).
    UserId
);
id!(
    /// A request for a technology.
    RequestId
);
