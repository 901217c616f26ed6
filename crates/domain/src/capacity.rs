//! Capacity: a policy's cohort cap and the waiting list behind it.
//!
//! The waiting list is ordered by priority tier, then by the date the person joined,
//! then by request id so that the order is total (NHS England HCL strategy: children
//! and young people first, then pregnancy, then adults already on pumps).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{DomainError, RequestId};

/// A priority tier: 1 is seen first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PriorityTier(pub u8);

/// One person waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WaitingEntry {
    /// The approved request waiting for a place.
    pub request: RequestId,
    /// Its priority tier.
    pub tier: PriorityTier,
    /// The date it joined the list.
    pub since: Date,
}

impl WaitingEntry {
    fn key(&self) -> (PriorityTier, Date, RequestId) {
        (self.tier, self.since, self.request)
    }
}

/// A cohort with a cap, its members, and its waiting list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cohort {
    cap: u32,
    members: Vec<RequestId>,
    waiting: Vec<WaitingEntry>,
}

/// Where [`Cohort::join`] put a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// A place was free.
    Admitted,
    /// The cohort is full; waiting at this 1-based position.
    Waiting(usize),
}

impl Cohort {
    /// An empty cohort of at most `cap` people.
    pub fn new(cap: u32) -> Self {
        Self {
            cap,
            members: Vec::new(),
            waiting: Vec::new(),
        }
    }

    /// The cap.
    pub fn cap(&self) -> u32 {
        self.cap
    }

    /// The members.
    pub fn members(&self) -> &[RequestId] {
        &self.members
    }

    /// The waiting list in order: tier, then date joined, then request id.
    pub fn waiting(&self) -> &[WaitingEntry] {
        &self.waiting
    }

    /// Places left.
    pub fn free(&self) -> u32 {
        self.cap
            .saturating_sub(u32::try_from(self.members.len()).unwrap_or(u32::MAX))
    }

    /// Admits the request if there is a place and nobody is waiting ahead of it;
    /// otherwise puts it on the waiting list in order. Joining twice changes nothing.
    pub fn join(&mut self, entry: WaitingEntry) -> Placement {
        if self.members.contains(&entry.request) {
            return Placement::Admitted;
        }
        if let Some(i) = self.waiting.iter().position(|w| w.request == entry.request) {
            return Placement::Waiting(i + 1);
        }
        if self.free() > 0 && self.waiting.is_empty() {
            self.members.push(entry.request);
            return Placement::Admitted;
        }
        let at = self.waiting.partition_point(|w| w.key() <= entry.key());
        self.waiting.insert(at, entry);
        Placement::Waiting(at + 1)
    }

    /// Removes a member (discontinued or withdrawn) or a waiting request.
    pub fn leave(&mut self, request: RequestId) {
        self.members.retain(|m| *m != request);
        self.waiting.retain(|w| w.request != request);
    }

    /// Admits the head of the waiting list if a place is free.
    pub fn admit_next(&mut self) -> Result<Option<WaitingEntry>, DomainError> {
        if self.waiting.is_empty() {
            return Ok(None);
        }
        if self.free() == 0 {
            return Err(DomainError::CohortFull(self.cap));
        }
        let next = self.waiting.remove(0);
        self.members.push(next.request);
        Ok(Some(next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn entry(id: i64, tier: u8, since: Date) -> WaitingEntry {
        WaitingEntry {
            request: RequestId::new(id),
            tier: PriorityTier(tier),
            since,
        }
    }

    #[test]
    fn waiting_list_orders_by_tier_then_date() {
        let mut cohort = Cohort::new(1);
        assert_eq!(
            cohort.join(entry(1, 3, date(2026, 1, 1))),
            Placement::Admitted
        );
        assert_eq!(
            cohort.join(entry(2, 3, date(2026, 1, 5))),
            Placement::Waiting(1)
        );
        assert_eq!(
            cohort.join(entry(3, 1, date(2026, 2, 1))),
            Placement::Waiting(1)
        );
        assert_eq!(
            cohort.join(entry(4, 2, date(2026, 1, 9))),
            Placement::Waiting(2)
        );
        assert_eq!(
            cohort.join(entry(5, 1, date(2026, 1, 20))),
            Placement::Waiting(1)
        );
        // Same tier and date: request id breaks the tie.
        assert_eq!(
            cohort.join(entry(6, 3, date(2026, 1, 5))),
            Placement::Waiting(5)
        );
        assert_eq!(
            cohort.join(entry(6, 3, date(2026, 1, 5))),
            Placement::Waiting(5)
        );
        let order: Vec<i64> = cohort.waiting().iter().map(|w| w.request.get()).collect();
        assert_eq!(order, vec![5, 3, 4, 2, 6]);
        assert_eq!(cohort.admit_next(), Err(DomainError::CohortFull(1)));
        cohort.leave(RequestId::new(1));
        assert_eq!(
            cohort.admit_next().unwrap().unwrap().request,
            RequestId::new(5)
        );
        assert_eq!(cohort.members(), &[RequestId::new(5)]);
        assert_eq!(cohort.free(), 0);
    }

    #[test]
    fn nobody_jumps_the_queue_when_a_place_frees() {
        let mut cohort = Cohort::new(1);
        cohort.join(entry(1, 2, date(2026, 1, 1)));
        cohort.join(entry(2, 2, date(2026, 1, 2)));
        cohort.leave(RequestId::new(1));
        // A place is free but someone is waiting: the newcomer queues behind.
        assert_eq!(
            cohort.join(entry(3, 2, date(2026, 1, 3))),
            Placement::Waiting(2)
        );
    }
}
