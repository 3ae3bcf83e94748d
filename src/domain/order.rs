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

    /// Settled by attendance and the quiz once sessions have passed: a seat that was taken, and the
    /// interim statuses settling itself gives.
    pub fn is_settled_by_attendance(self) -> bool {
        matches!(self, OrderStatus::Confirmed | OrderStatus::Attended | OrderStatus::NotCompleted | OrderStatus::NoShow)
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

impl OrderAction {
    /// The order the button acts on.
    pub fn order_id(self) -> i64 {
        match self {
            OrderAction::Approve(id)
            | OrderAction::Reject(id)
            | OrderAction::AcceptOffer(id)
            | OrderAction::DeclineOffer(id)
            | OrderAction::Cancel(id)
            | OrderAction::ConfirmCancel(id)
            | OrderAction::AllowCancel(id)
            | OrderAction::RefuseCancel(id) => id,
        }
    }

    /// A decision a coordinator (or an admin) takes; every other action is the order owner's.
    pub fn is_coordinators(self) -> bool {
        matches!(
            self,
            OrderAction::Approve(_)
                | OrderAction::Reject(_)
                | OrderAction::AllowCancel(_)
                | OrderAction::RefuseCancel(_)
        )
    }
}

/// What deciding an order action needs to know, read under the class lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderFacts {
    pub status: OrderStatus,
    /// A late cancellation was asked for and not yet answered.
    pub cancel_requested: bool,
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// The class confirms orders only after a coordinator approves them.
    pub class_needs_approval: bool,
    pub timing: ClassTiming,
    /// Someone (a coordinator up the class's region chain, else an admin) can decide for the class.
    pub has_deciders: bool,
}

/// Who pressed, as far as the order is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presser {
    /// The order is theirs.
    pub owns: bool,
    /// They decide for the class's region (a coordinator up its chain, or an admin).
    pub decides: bool,
}

/// The programme's rules that a county may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderPolicy {
    /// How long before the first session a person may still cancel on their own.
    pub cancel_cutoff: chrono::Duration,
}

/// What an order action comes to, decided before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderDecision {
    /// Nothing changes; the reply says why.
    Refused(Refusal),
    /// Nothing changes yet: the person is asked whether they really want to cancel.
    AskToConfirmCancel,
    /// The order changes (a compare-and-set on its status: if it moved meanwhile, nothing happens and
    /// the press is stale); then the effects follow, in order.
    Change { change: OrderChange, effects: Vec<OrderEffect> },
}

/// Why an order action changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The presser may not do this (not their order, not their region).
    NotAllowed,
    /// The order is no longer where the button assumed (double tap, old message, expired offer).
    Stale,
    /// The class is over.
    ClassEnded,
    /// A late cancellation is waiting for a coordinator's answer already.
    CancelAlreadyRequested,
    /// A late cancellation, and nobody can decide it.
    NobodyToAsk,
}

/// The change to the order itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderChange {
    /// From its current status to this one.
    Move(OrderStatus),
    /// A late cancellation is asked for.
    RequestCancel,
    /// A late cancellation request is refused: the order stays as it was.
    ClearCancelRequest,
}

/// What follows a change: messages to send (rendered later, in the addressee's language) and the
/// seats, reminders and waitlist it moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEffect {
    /// Tell the order's owner.
    TellOwner(OwnerNotice),
    /// Plan the class's session reminders for the owner.
    PlanReminders,
    /// Withdraw the reminders not yet sent.
    WithdrawReminders,
    /// A seat may be free: offer it to the first on the waitlist.
    OfferFreedSeat,
    /// Ask the deciders to approve the order (with Approve / Reject buttons).
    AskDecidersToApprove,
    /// Ask the deciders to allow a late cancellation (with Allow / Refuse buttons).
    AskDecidersToAllowCancel,
    /// A line to the coordinators who want one.
    LineToCoordinators,
    /// Someone who ordered and then cancelled is followed up like attendees, from the class's end, as
    /// the comparison group of the outcome figures (only if they answered the baseline).
    FollowUpAsComparison,
}

/// A message to the order's owner about a coordinator's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerNotice {
    Approved,
    Rejected,
    CancelAllowed,
    CancelRefused,
}

/// Decides an order action: rights, the order's state machine and the cancellation rule, in one place
/// with no storage and no clock of its own.
pub fn decide(
    order: &OrderFacts,
    action: OrderAction,
    presser: Presser,
    now: DateTime<Utc>,
    policy: &OrderPolicy,
) -> OrderDecision {
    use OrderDecision::{AskToConfirmCancel, Change, Refused};
    use OrderEffect::*;
    let allowed = if action.is_coordinators() { presser.decides } else { presser.owns };
    if !allowed {
        return Refused(Refusal::NotAllowed);
    }
    let status = order.status;
    let change = |to: OrderStatus, effects: Vec<OrderEffect>| Change { change: OrderChange::Move(to), effects };
    let rule = || cancel_rule(status, order.cancel_requested, order.timing, now, policy.cancel_cutoff);
    let cancel_refusal = |rule: CancelRule| match rule {
        CancelRule::AlreadyRequested => Refused(Refusal::CancelAlreadyRequested),
        CancelRule::ClassEnded => Refused(Refusal::ClassEnded),
        _ => Refused(Refusal::Stale),
    };
    match action {
        OrderAction::Approve(_) | OrderAction::Reject(_) if status != OrderStatus::PendingApproval => {
            Refused(Refusal::Stale)
        }
        OrderAction::Approve(_) => {
            change(OrderStatus::Confirmed, vec![TellOwner(OwnerNotice::Approved), PlanReminders])
        }
        OrderAction::Reject(_) => change(OrderStatus::Rejected, vec![TellOwner(OwnerNotice::Rejected), OfferFreedSeat]),
        OrderAction::AcceptOffer(_) => {
            let live = status == OrderStatus::Offered && order.offer_expires_at.is_some_and(|t| t > now);
            match (live, order.class_needs_approval) {
                (false, _) => Refused(Refusal::Stale),
                (true, true) => change(OrderStatus::PendingApproval, vec![AskDecidersToApprove]),
                (true, false) => change(OrderStatus::Confirmed, vec![PlanReminders]),
            }
        }
        OrderAction::DeclineOffer(_) if status == OrderStatus::Offered => {
            change(OrderStatus::Cancelled, vec![OfferFreedSeat])
        }
        OrderAction::DeclineOffer(_) => Refused(Refusal::Stale),
        OrderAction::Cancel(_) => match rule() {
            CancelRule::Now | CancelRule::Request => AskToConfirmCancel,
            other => cancel_refusal(other),
        },
        OrderAction::ConfirmCancel(_) => match rule() {
            CancelRule::Now => {
                let mut effects = vec![WithdrawReminders];
                if status.holds_seat() {
                    effects.push(OfferFreedSeat);
                }
                effects.extend([LineToCoordinators, FollowUpAsComparison]);
                change(OrderStatus::Cancelled, effects)
            }
            CancelRule::Request if !order.has_deciders => Refused(Refusal::NobodyToAsk),
            CancelRule::Request => {
                Change { change: OrderChange::RequestCancel, effects: vec![AskDecidersToAllowCancel] }
            }
            other => cancel_refusal(other),
        },
        OrderAction::AllowCancel(_) | OrderAction::RefuseCancel(_)
            if !(order.cancel_requested && status.is_cancellable()) =>
        {
            Refused(Refusal::Stale)
        }
        OrderAction::AllowCancel(_) => {
            let mut effects = vec![WithdrawReminders];
            if status.holds_seat() {
                effects.push(OfferFreedSeat);
            }
            effects.extend([TellOwner(OwnerNotice::CancelAllowed), FollowUpAsComparison]);
            change(OrderStatus::Cancelled, effects)
        }
        OrderAction::RefuseCancel(_) => {
            Change { change: OrderChange::ClearCancelRequest, effects: vec![TellOwner(OwnerNotice::CancelRefused)] }
        }
    }
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

    mod decide {
        use super::super::*;
        use OrderEffect::*;

        fn at(h: i64) -> DateTime<Utc> {
            DateTime::<Utc>::from_timestamp(1_800_000_000 + h * 3600, 0).unwrap()
        }

        const POLICY: OrderPolicy = OrderPolicy { cancel_cutoff: chrono::Duration::hours(24) };
        const OWNER: Presser = Presser { owns: true, decides: false };
        const DECIDER: Presser = Presser { owns: false, decides: true };
        const STRANGER: Presser = Presser { owns: false, decides: false };

        /// A confirmed order in a class whose first session is in 48 h and last ends in 200 h.
        fn facts(status: OrderStatus) -> OrderFacts {
            OrderFacts {
                status,
                cancel_requested: false,
                offer_expires_at: None,
                class_needs_approval: false,
                timing: ClassTiming { first_start: Some(at(48)), last_end: Some(at(200)) },
                has_deciders: true,
            }
        }

        fn moved(to: OrderStatus, effects: &[OrderEffect]) -> OrderDecision {
            OrderDecision::Change { change: OrderChange::Move(to), effects: effects.to_vec() }
        }

        fn refused(why: Refusal) -> OrderDecision {
            OrderDecision::Refused(why)
        }

        #[test]
        fn only_a_decider_approves_or_rejects_and_only_what_waits() {
            let pending = facts(OrderStatus::PendingApproval);
            assert_eq!(
                decide(&pending, OrderAction::Approve(1), DECIDER, at(0), &POLICY),
                moved(OrderStatus::Confirmed, &[TellOwner(OwnerNotice::Approved), PlanReminders])
            );
            assert_eq!(
                decide(&pending, OrderAction::Reject(1), DECIDER, at(0), &POLICY),
                moved(OrderStatus::Rejected, &[TellOwner(OwnerNotice::Rejected), OfferFreedSeat])
            );
            // The owner cannot approve their own order; nor can a stranger.
            for presser in [OWNER, STRANGER] {
                assert_eq!(
                    decide(&pending, OrderAction::Approve(1), presser, at(0), &POLICY),
                    refused(Refusal::NotAllowed)
                );
            }
            // Decided already (a second coordinator, a double tap).
            for status in [OrderStatus::Confirmed, OrderStatus::Rejected, OrderStatus::Cancelled] {
                for action in [OrderAction::Approve(1), OrderAction::Reject(1)] {
                    assert_eq!(decide(&facts(status), action, DECIDER, at(0), &POLICY), refused(Refusal::Stale));
                }
            }
        }

        #[test]
        fn an_offer_is_taken_while_it_lasts_and_waits_for_approval_where_the_class_needs_it() {
            let offered = OrderFacts { offer_expires_at: Some(at(10)), ..facts(OrderStatus::Offered) };
            assert_eq!(
                decide(&offered, OrderAction::AcceptOffer(1), OWNER, at(9), &POLICY),
                moved(OrderStatus::Confirmed, &[PlanReminders])
            );
            let approval = OrderFacts { class_needs_approval: true, ..offered };
            assert_eq!(
                decide(&approval, OrderAction::AcceptOffer(1), OWNER, at(9), &POLICY),
                moved(OrderStatus::PendingApproval, &[AskDecidersToApprove])
            );
            // Expired, or no longer an offer, or not theirs.
            assert_eq!(decide(&offered, OrderAction::AcceptOffer(1), OWNER, at(10), &POLICY), refused(Refusal::Stale));
            let gone = facts(OrderStatus::Cancelled);
            assert_eq!(decide(&gone, OrderAction::AcceptOffer(1), OWNER, at(0), &POLICY), refused(Refusal::Stale));
            assert_eq!(
                decide(&offered, OrderAction::AcceptOffer(1), DECIDER, at(0), &POLICY),
                refused(Refusal::NotAllowed)
            );
            // Declining passes the seat on; an old decline button does nothing.
            assert_eq!(
                decide(&offered, OrderAction::DeclineOffer(1), OWNER, at(9), &POLICY),
                moved(OrderStatus::Cancelled, &[OfferFreedSeat])
            );
            let confirmed = facts(OrderStatus::Confirmed);
            assert_eq!(
                decide(&confirmed, OrderAction::DeclineOffer(1), OWNER, at(0), &POLICY),
                refused(Refusal::Stale)
            );
            assert_eq!(
                decide(&offered, OrderAction::DeclineOffer(1), STRANGER, at(0), &POLICY),
                refused(Refusal::NotAllowed)
            );
        }

        #[test]
        fn cancelling_asks_first_then_follows_the_one_cancel_rule() {
            let confirmed = facts(OrderStatus::Confirmed);
            // Before the cut-off and after it, the first tap only asks.
            for now in [at(0), at(30)] {
                assert_eq!(
                    decide(&confirmed, OrderAction::Cancel(1), OWNER, now, &POLICY),
                    OrderDecision::AskToConfirmCancel
                );
            }
            // Before the cut-off: at once, the seat passed on, the coordinators told.
            assert_eq!(
                decide(&confirmed, OrderAction::ConfirmCancel(1), OWNER, at(0), &POLICY),
                moved(
                    OrderStatus::Cancelled,
                    &[WithdrawReminders, OfferFreedSeat, LineToCoordinators, FollowUpAsComparison]
                )
            );
            // A waitlist place holds no seat: nothing to pass on, even after the cut-off.
            let waiting = facts(OrderStatus::Waitlisted);
            assert_eq!(
                decide(&waiting, OrderAction::ConfirmCancel(1), OWNER, at(30), &POLICY),
                moved(OrderStatus::Cancelled, &[WithdrawReminders, LineToCoordinators, FollowUpAsComparison])
            );
            // After the cut-off: a request to the deciders, or a refusal when there are none.
            assert_eq!(
                decide(&confirmed, OrderAction::ConfirmCancel(1), OWNER, at(30), &POLICY),
                OrderDecision::Change { change: OrderChange::RequestCancel, effects: vec![AskDecidersToAllowCancel] }
            );
            let alone = OrderFacts { has_deciders: false, ..confirmed };
            assert_eq!(
                decide(&alone, OrderAction::ConfirmCancel(1), OWNER, at(30), &POLICY),
                refused(Refusal::NobodyToAsk)
            );
            // Asked already; the class over; the order not live; not theirs.
            let asked = OrderFacts { cancel_requested: true, ..confirmed };
            for action in [OrderAction::Cancel(1), OrderAction::ConfirmCancel(1)] {
                assert_eq!(decide(&asked, action, OWNER, at(30), &POLICY), refused(Refusal::CancelAlreadyRequested));
                assert_eq!(decide(&confirmed, action, OWNER, at(200), &POLICY), refused(Refusal::ClassEnded));
                let gone = facts(OrderStatus::Cancelled);
                assert_eq!(decide(&gone, action, OWNER, at(0), &POLICY), refused(Refusal::Stale));
                assert_eq!(decide(&confirmed, action, DECIDER, at(0), &POLICY), refused(Refusal::NotAllowed));
            }
        }

        #[test]
        fn a_late_cancellation_is_allowed_or_refused_once_by_a_decider() {
            let asked = OrderFacts { cancel_requested: true, ..facts(OrderStatus::Confirmed) };
            assert_eq!(
                decide(&asked, OrderAction::AllowCancel(1), DECIDER, at(30), &POLICY),
                moved(
                    OrderStatus::Cancelled,
                    &[WithdrawReminders, OfferFreedSeat, TellOwner(OwnerNotice::CancelAllowed), FollowUpAsComparison]
                )
            );
            assert_eq!(
                decide(&asked, OrderAction::RefuseCancel(1), DECIDER, at(30), &POLICY),
                OrderDecision::Change {
                    change: OrderChange::ClearCancelRequest,
                    effects: vec![TellOwner(OwnerNotice::CancelRefused)]
                }
            );
            // A waitlist place holds no seat: allowing frees nothing.
            let waiting = OrderFacts { cancel_requested: true, ..facts(OrderStatus::Waitlisted) };
            assert_eq!(
                decide(&waiting, OrderAction::AllowCancel(1), DECIDER, at(30), &POLICY),
                moved(
                    OrderStatus::Cancelled,
                    &[WithdrawReminders, TellOwner(OwnerNotice::CancelAllowed), FollowUpAsComparison]
                )
            );
            // Answered already (no request left), the order gone meanwhile, or not a decider.
            let answered = facts(OrderStatus::Confirmed);
            let gone = OrderFacts { cancel_requested: true, ..facts(OrderStatus::Cancelled) };
            for action in [OrderAction::AllowCancel(1), OrderAction::RefuseCancel(1)] {
                assert_eq!(decide(&answered, action, DECIDER, at(30), &POLICY), refused(Refusal::Stale));
                assert_eq!(decide(&gone, action, DECIDER, at(30), &POLICY), refused(Refusal::Stale));
                assert_eq!(decide(&asked, action, OWNER, at(30), &POLICY), refused(Refusal::NotAllowed));
            }
        }

        #[test]
        fn every_action_names_its_order_and_whose_it_is() {
            let all = [
                OrderAction::Approve(7),
                OrderAction::Reject(7),
                OrderAction::AcceptOffer(7),
                OrderAction::DeclineOffer(7),
                OrderAction::Cancel(7),
                OrderAction::ConfirmCancel(7),
                OrderAction::AllowCancel(7),
                OrderAction::RefuseCancel(7),
            ];
            assert!(all.iter().all(|a| a.order_id() == 7));
            let coordinators: Vec<_> = all.iter().filter(|a| a.is_coordinators()).collect();
            assert_eq!(
                coordinators,
                [
                    &OrderAction::Approve(7),
                    &OrderAction::Reject(7),
                    &OrderAction::AllowCancel(7),
                    &OrderAction::RefuseCancel(7)
                ]
            );
        }
    }

    #[test]
    fn statuses_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
    }
}
