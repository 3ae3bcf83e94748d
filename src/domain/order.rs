//! Orders (报名订单): a seat in a class, ordered like in a shop and paid for by the government.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// An order number a person can read out on the phone: `FS-7K3Q-2`. Four characters from an
/// alphabet without look-alikes (no 0/O, 1/I/L, U/V) and a check character that catches a single
/// wrong character and most swaps of neighbours.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrderNumber(String);

const SYMBOLS: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ"; // 29 symbols: a prime, so weights work

fn symbol_value(c: u8) -> Option<u32> {
    SYMBOLS.iter().position(|s| *s == c).map(|p| p as u32)
}

fn check_symbol(body: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (i, c) in body.iter().enumerate() {
        sum += symbol_value(*c)? * (i as u32 + 2);
    }
    Some(SYMBOLS[(sum % SYMBOLS.len() as u32) as usize])
}

impl OrderNumber {
    pub fn generate(rng: &mut impl Rng) -> OrderNumber {
        let body: Vec<u8> = (0..4).map(|_| SYMBOLS[rng.gen_range(0..SYMBOLS.len())]).collect();
        let check = check_symbol(&body).unwrap_or(b'2');
        OrderNumber(format!("FS-{}-{}", String::from_utf8_lossy(&body), check as char))
    }

    /// Reads a number as people type it: any case, with or without `FS`, dashes or spaces. Look-alike
    /// characters never occur in numbers, so a typo with one is refused rather than guessed.
    pub fn parse(input: &str) -> Option<OrderNumber> {
        let cleaned: Vec<u8> =
            input.trim().to_ascii_uppercase().bytes().filter(|b| b.is_ascii_alphanumeric()).collect();
        let rest = cleaned.strip_prefix(b"FS").unwrap_or(&cleaned);
        if rest.len() != 5 {
            return None;
        }
        let (body, check) = rest.split_at(4);
        if check_symbol(body)? != check[0] {
            return None;
        }
        Some(OrderNumber(format!("FS-{}-{}", String::from_utf8_lossy(body), check[0] as char)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn from_stored(s: String) -> OrderNumber {
        OrderNumber(s)
    }
}

impl std::fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Holds a seat while the coordinator decides (courses paid from a budget).
    PendingApproval,
    Confirmed,
    Waitlisted,
    /// A waitlisted person has been offered a freed seat, which is held for them until the offer expires.
    Offered,
    /// Came to the class, and can still complete (the quiz or the practical check to do).
    Attended,
    Completed,
    /// Came to the class, but can no longer complete (attendance under the minimum, the quiz failed
    /// with no retake left, the practical check failed), or did not within 30 days of its end.
    NotCompleted,
    Cancelled,
    Rejected,
    /// Came to no session of the class.
    NoShow,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 10] = [
        OrderStatus::PendingApproval,
        OrderStatus::Confirmed,
        OrderStatus::Waitlisted,
        OrderStatus::Offered,
        OrderStatus::Attended,
        OrderStatus::Completed,
        OrderStatus::NotCompleted,
        OrderStatus::Cancelled,
        OrderStatus::Rejected,
        OrderStatus::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingApproval => "pending_approval",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Waitlisted => "waitlisted",
            OrderStatus::Offered => "offered",
            OrderStatus::Attended => "attended",
            OrderStatus::Completed => "completed",
            OrderStatus::NotCompleted => "not_completed",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Rejected => "rejected",
            OrderStatus::NoShow => "no_show",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Statuses that occupy a seat of the class. The last three come only once the class has ended,
    /// and a no-show held a seat nobody else could take all the same.
    pub const HOLDS_SEAT: [OrderStatus; 7] = [
        OrderStatus::PendingApproval,
        OrderStatus::Confirmed,
        OrderStatus::Offered,
        OrderStatus::Attended,
        OrderStatus::Completed,
        OrderStatus::NotCompleted,
        OrderStatus::NoShow,
    ];

    pub fn holds_seat(self) -> bool {
        Self::HOLDS_SEAT.contains(&self)
    }

    /// Still live: a second order for the same class is refused while one of these exists.
    pub fn is_active(self) -> bool {
        !matches!(self, OrderStatus::Cancelled | OrderStatus::Rejected)
    }

    /// The person can cancel it themselves (before the cut-off).
    pub fn is_cancellable(self) -> bool {
        matches!(
            self,
            OrderStatus::PendingApproval | OrderStatus::Confirmed | OrderStatus::Waitlisted | OrderStatus::Offered
        )
    }
}

/// When a class meets: its first session's start and its last session's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassTiming {
    pub first_start: Option<DateTime<Utc>>,
    pub last_end: Option<DateTime<Utc>>,
}

impl ClassTiming {
    /// The last session is over (or the class has no session left at all).
    pub fn has_ended(&self, now: DateTime<Utc>) -> bool {
        self.last_end.is_none_or(|end| end <= now)
    }
}

/// What cancelling an order does, wherever it is asked for ("my courses", a reminder): one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRule {
    /// Cancelled at once: before the cut-off, or a waitlist place or an offer (no seat promised yet).
    Now,
    /// After the cut-off: it goes to the coordinators as a request.
    Request,
    /// After the cut-off and asked for already: wait for the answer.
    AlreadyRequested,
    /// The class is over: nothing left to cancel.
    ClassEnded,
    /// The order is not live (cancelled, rejected, finished).
    NotCancellable,
}

impl CancelRule {
    /// Whether "my courses" offers a cancel button for it.
    pub fn offers_button(self) -> bool {
        matches!(self, CancelRule::Now | CancelRule::Request)
    }
}

/// The one cancellation rule. `cutoff`: how long before the first session people may still cancel
/// themselves.
pub fn cancel_rule(
    status: OrderStatus,
    cancel_requested: bool,
    class: ClassTiming,
    now: DateTime<Utc>,
    cutoff: chrono::Duration,
) -> CancelRule {
    // A class that is over says so whatever became of the order since (marked absent or attended by
    // the scheduler, say): an old cancel button must not answer differently by when that ran.
    if class.has_ended(now) {
        return CancelRule::ClassEnded;
    }
    if !status.is_cancellable() {
        return CancelRule::NotCancellable;
    }
    let before_cutoff = class.first_start.is_none_or(|start| start - now >= cutoff);
    if before_cutoff || matches!(status, OrderStatus::Waitlisted | OrderStatus::Offered) {
        CancelRule::Now
    } else if cancel_requested {
        CancelRule::AlreadyRequested
    } else {
        CancelRule::Request
    }
}

/// "My courses" lists orders still ahead apart from those that are over: a class that has ended, or
/// an order that ended (cancelled, rejected, finished).
pub fn is_past(status: OrderStatus, class: ClassTiming, now: DateTime<Utc>) -> bool {
    !status.is_cancellable() || class.has_ended(now)
}

/// Where a new order lands, given the class's capacity and the seats already held.
pub fn place_new_order(capacity: i64, seats_held: i64, needs_approval: bool) -> OrderStatus {
    if seats_held < capacity {
        if needs_approval { OrderStatus::PendingApproval } else { OrderStatus::Confirmed }
    } else {
        OrderStatus::Waitlisted
    }
}

/// What a button on an order message asks for. Encoded into callback data (ids only, well under 64
/// bytes); the service re-checks the order's current status and the presser's rights every time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    /// Coordinator: approve or reject a pending order.
    Approve(i64),
    Reject(i64),
    /// Waitlisted person: take or pass on an offered seat.
    AcceptOffer(i64),
    DeclineOffer(i64),
    /// Person: cancel from "my courses" (asks for confirmation first), then confirm.
    Cancel(i64),
    ConfirmCancel(i64),
    /// Coordinator: accept or refuse a cancellation requested after the cut-off.
    AllowCancel(i64),
    RefuseCancel(i64),
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn generated_numbers_parse_back_in_any_spelling() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..500 {
            let n = OrderNumber::generate(&mut rng);
            assert!(n.as_str().len() == 9 && n.as_str().starts_with("FS-"), "{n}");
            assert_eq!(OrderNumber::parse(n.as_str()).as_ref(), Some(&n));
            assert_eq!(OrderNumber::parse(&n.as_str().to_lowercase()).as_ref(), Some(&n));
            assert_eq!(OrderNumber::parse(&n.as_str().replace('-', " ")).as_ref(), Some(&n));
            assert_eq!(OrderNumber::parse(&n.as_str()[3..].replace('-', "")).as_ref(), Some(&n));
        }
    }

    #[test]
    fn a_single_wrong_character_is_caught() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        for _ in 0..200 {
            let n = OrderNumber::generate(&mut rng);
            let bytes = n.as_str().as_bytes();
            for pos in [3usize, 4, 5, 6, 8] {
                for &sym in SYMBOLS {
                    if sym == bytes[pos] {
                        continue;
                    }
                    let mut typo = bytes.to_vec();
                    typo[pos] = sym;
                    assert_eq!(OrderNumber::parse(std::str::from_utf8(&typo).unwrap()), None);
                }
            }
        }
    }

    #[test]
    fn look_alike_characters_never_appear() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(9);
        for _ in 0..1000 {
            let n = OrderNumber::generate(&mut rng);
            assert!(!n.as_str()[3..].contains(['0', 'O', '1', 'I', 'L', 'U', 'V']), "{n}");
        }
    }

    #[test]
    fn a_full_class_waitlists_and_approval_holds_a_seat() {
        assert_eq!(place_new_order(2, 1, false), OrderStatus::Confirmed);
        assert_eq!(place_new_order(2, 1, true), OrderStatus::PendingApproval);
        assert_eq!(place_new_order(2, 2, false), OrderStatus::Waitlisted);
        assert_eq!(place_new_order(2, 2, true), OrderStatus::Waitlisted);
        assert!(OrderStatus::PendingApproval.holds_seat() && !OrderStatus::Waitlisted.holds_seat());
    }

    #[test]
    fn one_cancellation_rule_for_every_place_it_is_asked() {
        let at = |h: i64| DateTime::<Utc>::from_timestamp(1_800_000_000 + h * 3600, 0).unwrap();
        let cutoff = chrono::Duration::hours(24);
        // A class of three sessions: the first in 48 h, the last ending in 200 h.
        let class = ClassTiming { first_start: Some(at(48)), last_end: Some(at(200)) };
        let rule = |status, requested, now| cancel_rule(status, requested, class, now, cutoff);
        assert_eq!(rule(OrderStatus::Confirmed, false, at(0)), CancelRule::Now);
        assert_eq!(rule(OrderStatus::Confirmed, false, at(30)), CancelRule::Request);
        assert_eq!(rule(OrderStatus::Confirmed, true, at(30)), CancelRule::AlreadyRequested);
        // Between sessions, too: still a request, never an instant cancellation.
        assert_eq!(rule(OrderStatus::Confirmed, false, at(100)), CancelRule::Request);
        // A waitlist place or an offer promises no seat yet: it goes at once.
        assert_eq!(rule(OrderStatus::Waitlisted, false, at(30)), CancelRule::Now);
        assert_eq!(rule(OrderStatus::Offered, false, at(30)), CancelRule::Now);
        // Over: nothing to cancel, and no button.
        assert_eq!(rule(OrderStatus::Confirmed, false, at(200)), CancelRule::ClassEnded);
        assert_eq!(rule(OrderStatus::NoShow, false, at(200)), CancelRule::ClassEnded, "marked absent meanwhile");
        assert!(!CancelRule::ClassEnded.offers_button());
        assert_eq!(rule(OrderStatus::Cancelled, false, at(0)), CancelRule::NotCancellable);
        assert_eq!(rule(OrderStatus::Completed, false, at(0)), CancelRule::NotCancellable);
        assert!(is_past(OrderStatus::Confirmed, class, at(200)) && !is_past(OrderStatus::Confirmed, class, at(199)));
        assert!(is_past(OrderStatus::Cancelled, class, at(0)));
    }

    #[test]
    fn statuses_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
    }
}
