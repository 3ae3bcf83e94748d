//! Order-style sign-up (群众点单、政府买单): placing orders under a class lock, the waitlist and its
//! expiring offers, cancellations with a cut-off, and coordinators' approvals. Every change is one
//! transaction that also queues the messages it causes, so a crash never leaves a change without its
//! message or a message without its change.

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::db::orders::{self as store, NewOrder, OrderRow};
use crate::db::people::Decider;
use crate::db::{self, Tx};
use crate::domain::callback::Cb;
use crate::domain::catalog::{Class, Course, Session, SessionStatus};
use crate::domain::catalog_snapshot::CatalogSnapshot;
use crate::domain::order::{
    self, CancelRule, ClassTiming, OrderAction, OrderChange, OrderDecision, OrderEffect, OrderNumber, OrderStatus,
    OwnerNotice, Refusal, cancel_rule, place_new_order,
};
use crate::domain::person::Person;
use crate::domain::region::Region;
use crate::domain::survey::Cohort;
use crate::domain::translations::Localized;
use crate::i18n::{Lang, session_when};
use crate::services::notify::{self, Note, payload};
use crate::services::reminders;
use crate::services::surveys::FollowedOrder;
use crate::tr;

/// Everything a screen about one class needs.
#[derive(Debug, Clone)]
pub struct ClassInfo {
    pub course: Course,
    pub class: Class,
    /// Scheduled sessions only, in time order.
    pub sessions: Vec<Session>,
    pub tz: chrono_tz::Tz,
    pub seats_held: i64,
}

impl ClassInfo {
    pub fn first_start(&self) -> Option<DateTime<Utc>> {
        self.sessions.first().map(|s| s.starts_at)
    }

    pub fn seats_left(&self) -> i64 {
        (self.class.capacity - self.seats_held).max(0)
    }

    /// "12月8日（周二） 09:00–11:30" per session.
    pub fn timetable(&self, lang: Lang) -> Vec<String> {
        self.sessions.iter().map(|s| session_when(lang, self.tz, s.starts_at, s.ends_at)).collect()
    }

    pub fn timing(&self) -> ClassTiming {
        ClassTiming { first_start: self.first_start(), last_end: self.sessions.iter().map(|s| s.ends_at).max() }
    }

    pub fn reference(&self) -> ClassRef {
        ClassRef {
            course: Some(self.course.clone()),
            place: Localized::field(&self.class.place, &self.class.tr, "place"),
            first: self.first_start(),
            tz: self.tz,
        }
    }
}

/// Enough about a class to name it in a message: a person may hold orders for several classes of one
/// course, so a class is named by its course, first date and place, never by its catalogue key.
#[derive(Debug, Clone)]
pub struct ClassRef {
    pub course: Option<Course>,
    /// Where the class meets, in every language the catalogue gives.
    pub place: Localized,
    pub first: Option<DateTime<Utc>>,
    pub tz: chrono_tz::Tz,
}

impl ClassRef {
    /// "12月12日（周六）" of the first session, or nothing.
    pub fn date(&self, lang: Lang) -> String {
        self.first.map(|t| crate::i18n::local_date(lang, t.with_timezone(&self.tz).date_naive())).unwrap_or_default()
    }

    /// "“食用菌种植技术”（12月12日（周六） · 铁山镇农业技术推广站）".
    pub fn label(&self, lang: Lang) -> String {
        let course = self.course.as_ref().map(|c| c.display_title(lang).to_owned()).unwrap_or_default();
        tr!(lang, "class-label", course = course, date = self.date(lang), place = self.place.get(lang))
    }
}

/// The reference of a class, for a message written inside a transaction.
async fn class_ref_in_tx(tx: &mut Tx, app: &App, class_key: &str) -> anyhow::Result<Option<ClassRef>> {
    let catalog = app.db.catalog_in_tx(tx).await?;
    let Some(class) = catalog.class(class_key) else { return Ok(None) };
    let course = catalog.course(&class.course_key).cloned();
    let tz =
        catalog.region(&class.region_key).and_then(|r| r.timezone.parse().ok()).unwrap_or(app.config.default_timezone);
    let first = catalog
        .sessions_of_class(class_key)
        .filter(|s| s.status == SessionStatus::Scheduled)
        .map(|s| s.starts_at)
        .min();
    let place = Localized::field(&class.place, &class.tr, "place");
    Ok(Some(ClassRef { course, place, first, tz }))
}

pub async fn class_info(app: &App, class_key: &str) -> anyhow::Result<Option<ClassInfo>> {
    let catalog = app.db.catalog().await?;
    let Some(class) = catalog.class(class_key) else { return Ok(None) };
    let Some(course) = catalog.course(&class.course_key) else { return Ok(None) };
    let sessions: Vec<Session> =
        catalog.sessions_of_class(class_key).filter(|s| s.status == SessionStatus::Scheduled).cloned().collect();
    let tz = match catalog.region(&class.region_key) {
        Some(region) => region.timezone.parse().unwrap_or(app.config.default_timezone),
        None => app.config.default_timezone,
    };
    let seats_held = store::seats_held_now(&app.db, class_key).await?;
    Ok(Some(ClassInfo { course: course.clone(), class: class.clone(), sessions, tz, seats_held }))
}

/// Whether a class can take orders at `now`: open, with a first session still ahead.
pub fn is_orderable(info: &ClassInfo, now: DateTime<Utc>) -> bool {
    info.class.status == crate::domain::catalog::ClassStatus::Open && info.first_start().is_some_and(|t| t > now)
}

/// The county a person lives in (their village's), which bounds what they are offered.
pub async fn county_of(app: &App, person: &Person) -> anyhow::Result<Option<String>> {
    let Some(village) = &person.village_key else { return Ok(None) };
    let chain = db::regions::ancestry(&app.db, village).await?;
    Ok(chain.into_iter().find(|r| r.parent_key.is_none()).map(|r| r.key))
}

/// Courses a person can order now: their audience, classes in their county.
pub async fn offered_courses(app: &App, person: &Person) -> anyhow::Result<Vec<Course>> {
    let county = county_of(app, person).await?;
    Ok(db::catalog::offered_courses(&app.db, person.audience, app.now(), county.as_deref()).await?)
}

/// Whether a class is held in the person's county (or the person has no county on record).
async fn is_near(app: &App, person: &Person, class: &Class) -> anyhow::Result<bool> {
    let county = county_of(app, person).await?;
    Ok(held_in(&*app.db.catalog().await?, county.as_deref(), class))
}

/// Whether `class` is held in `county` (any class, without one).
fn held_in(catalog: &CatalogSnapshot, county: Option<&str>, class: &Class) -> bool {
    county.is_none_or(|county| catalog.ancestry(&class.region_key).iter().any(|r| r.key == county))
}

/// The classes of a course a person may order now.
pub async fn orderable_classes(app: &App, person: &Person, course_key: &str) -> anyhow::Result<Vec<ClassInfo>> {
    let now = app.now();
    let catalog = app.db.catalog().await?;
    let county = county_of(app, person).await?;
    let mut out = Vec::new();
    for class in catalog.classes_of_course(course_key) {
        if let Some(info) = class_info(app, &class.key).await?
            && is_orderable(&info, now)
            && held_in(&catalog, county.as_deref(), &info.class)
        {
            out.push(info);
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceOutcome {
    /// A new order; `position` on the waitlist when it was waitlisted. `no_approver`: it waits for an
    /// approval that nobody (no coordinator up the region chain, no admin) is there to give yet.
    Placed {
        order: OrderRow,
        position: Option<i64>,
        no_approver: bool,
    },
    /// The person already holds a live order for this class.
    Already(OrderRow),
    ClassClosed,
    ClassStarted,
    /// The class is unknown or of the other audience (forged or stale data).
    NotForYou,
}

/// The region key and its ancestors, nearest first: whose coordinators hear about it.
async fn region_chain(app: &App, region_key: &str) -> anyhow::Result<Vec<Region>> {
    Ok(db::regions::ancestry(&app.db, region_key).await?)
}

fn keys(regions: &[Region]) -> Vec<String> {
    regions.iter().map(|r| r.key.clone()).collect()
}

/// Places an order for `person` in `class_key`. Seats are counted under the class lock, so when
/// people race for the last seat exactly one gets it and the others are waitlisted.
pub async fn place(app: &App, person: &Person, class_key: &str) -> anyhow::Result<PlaceOutcome> {
    let now = app.now();
    let Some(info) = class_info(app, class_key).await? else { return Ok(PlaceOutcome::NotForYou) };
    if info.course.audience != person.audience || !is_near(app, person, &info.class).await? {
        tracing::warn!(user = person.user_id, class_key, "order for a class of another audience or county refused");
        return Ok(PlaceOutcome::NotForYou);
    }
    let deciders = deciders_for_class(app, class_key).await?;
    let village = match &person.village_key {
        Some(v) => db::regions::get(&app.db, v).await?,
        None => None,
    };

    let mut tx = app.db.begin_write().await?;
    let Some(locked) = store::lock_class(&mut tx, app.db.backend, class_key).await? else {
        return Ok(PlaceOutcome::NotForYou);
    };
    if !locked.open {
        return Ok(PlaceOutcome::ClassClosed);
    }
    if locked.first_session_at.is_none_or(|t| t <= now) {
        return Ok(PlaceOutcome::ClassStarted);
    }
    let found = store::seats_and_live_order(&mut tx, person.user_id, class_key).await?;
    if let Some((existing, placed_by)) = found.live {
        // The same update handled again after a crash: its own order, answered as the first time.
        let update = crate::update_scope::current();
        if update.is_some() && placed_by == update {
            tx.commit().await?;
            let position = match existing.status {
                OrderStatus::Waitlisted => Some(store::waitlist_position(&app.db, &existing).await?),
                _ => None,
            };
            return Ok(PlaceOutcome::Placed { order: existing, position, no_approver: false });
        }
        return Ok(PlaceOutcome::Already(existing));
    }
    let held = found.held;
    let status = place_new_order(locked.capacity, held, locked.needs_approval);
    let order = insert_with_fresh_number(&mut tx, person.user_id, class_key, status, now).await?;
    let (id, number) = (order.id, order.number.clone());
    let taken = held + i64::from(status.holds_seat());

    let line = OrderLine::new(person, village, &info, taken, locked.capacity, status, &number, id);
    // Approval requests go to every decider; the plain line only to coordinators who want it.
    for decider in &deciders {
        if status != OrderStatus::PendingApproval && !decider.wants_lines {
            continue;
        }
        let to = decider.person.user_id;
        let note = line.clone().note(now).dedupe(format!("order:{id}:new:{to}"));
        notify::queue(&mut tx, app, to, &note).await?;
    }
    if status == OrderStatus::Confirmed {
        reminders::plan_for_order(&mut tx, app, &order).await?;
    }
    tx.commit().await?;
    app.wake_outbox();
    let position = match status {
        OrderStatus::Waitlisted => Some(store::waitlist_position(&app.db, &order).await?),
        _ => None,
    };
    let no_approver = status == OrderStatus::PendingApproval && deciders.is_empty();
    if no_approver {
        tracing::warn!(class_key, order = order.id, "an order waits for approval and nobody can approve it");
    }
    Ok(PlaceOutcome::Placed { order, position, no_approver })
}

/// A coordinator's line about one order: who, from where, which class, seats taken; Approve / Reject
/// while it waits for approval.
#[derive(Clone)]
struct OrderLine {
    name: String,
    village: Option<Region>,
    course: Course,
    place: Localized,
    first: Option<DateTime<Utc>>,
    tz: chrono_tz::Tz,
    taken: i64,
    total: i64,
    status: OrderStatus,
    number: OrderNumber,
    id: i64,
}

impl OrderLine {
    #[allow(clippy::too_many_arguments)]
    fn new(
        person: &Person,
        village: Option<Region>,
        info: &ClassInfo,
        taken: i64,
        total: i64,
        status: OrderStatus,
        number: &OrderNumber,
        id: i64,
    ) -> OrderLine {
        OrderLine {
            name: person.name.as_str().to_owned(),
            village,
            course: info.course.clone(),
            place: Localized::field(&info.class.place, &info.class.tr, "place"),
            first: info.first_start(),
            tz: info.tz,
            taken,
            total,
            status,
            number: number.clone(),
            id,
        }
    }

    fn note(self, now: DateTime<Utc>) -> Note {
        Note::notice("coordinator", now, move |lang| {
            let l = &self;
            let text = tr!(
                lang,
                "coord-line-order",
                name = l.name.as_str(),
                village = l.village.as_ref().map(|v| v.display_name(lang)).unwrap_or("-"),
                course = l.course.display_title(lang),
                class = match l.first {
                    Some(t) => {
                        format!(
                            "{} {}",
                            l.place.get(lang),
                            crate::i18n::local_date(lang, t.with_timezone(&l.tz).date_naive())
                        )
                    }
                    None => l.place.get(lang).to_owned(),
                },
                taken = l.taken,
                total = l.total,
                status = status_label(lang, l.status),
                number = l.number.as_str()
            );
            if l.status == OrderStatus::PendingApproval {
                payload(
                    text,
                    vec![vec![
                        (tr!(lang, "btn-approve"), Cb::Order(OrderAction::Approve(l.id)).encode()),
                        (tr!(lang, "btn-reject"), Cb::Order(OrderAction::Reject(l.id)).encode()),
                    ]],
                )
            } else {
                payload(text, vec![])
            }
        })
    }
}

/// Inserts a new order under a freshly drawn number.
async fn insert_with_fresh_number(
    tx: &mut Tx,
    user_id: i64,
    class_key: &str,
    status: OrderStatus,
    now: DateTime<Utc>,
) -> anyhow::Result<OrderRow> {
    // 29^4 ≈ 700k numbers: a collision is rare, and simply drawn again.
    for _ in 0..20 {
        let number = OrderNumber::generate(&mut rand::thread_rng());
        let new =
            NewOrder { update_id: crate::update_scope::current(), number: &number, user_id, class_key, status, now };
        if let Some(order) = store::insert(tx, &new).await? {
            return Ok(order);
        }
    }
    anyhow::bail!("could not draw a free order number")
}

pub fn status_label(lang: Lang, status: OrderStatus) -> String {
    match status {
        OrderStatus::PendingApproval => tr!(lang, "status-pending-approval"),
        OrderStatus::Confirmed => tr!(lang, "status-confirmed"),
        OrderStatus::Waitlisted => tr!(lang, "status-waitlisted"),
        OrderStatus::Offered => tr!(lang, "status-offered"),
        OrderStatus::Attended => tr!(lang, "status-attended"),
        OrderStatus::NotCompleted => tr!(lang, "status-not-completed"),
        OrderStatus::Completed => tr!(lang, "status-completed"),
        OrderStatus::Cancelled => tr!(lang, "status-cancelled"),
        OrderStatus::Rejected => tr!(lang, "status-rejected"),
        OrderStatus::NoShow => tr!(lang, "status-no-show"),
    }
}

/// While seats are free and people wait, offers the next seat (inside the caller's transaction).
/// Offers are held from when the message can actually reach the person (not at night), for
/// `offer_ttl`.
async fn offer_free_seats(tx: &mut Tx, app: &App, class_key: &str) -> anyhow::Result<usize> {
    let now = app.now();
    let Some(locked) = store::lock_class(tx, app.db.backend, class_key).await? else { return Ok(0) };
    if !locked.open || locked.first_session_at.is_none_or(|t| t <= now) {
        return Ok(0);
    }
    let Some(class_ref) = class_ref_in_tx(tx, app, class_key).await? else { return Ok(0) };
    let mut offered = 0;
    while store::seats_held(tx, class_key).await? < locked.capacity {
        let Some(next) = store::first_waitlisted(tx, class_key).await? else { break };
        let (number, id, class_ref) = (next.number.clone(), next.id, class_ref.clone());
        let ttl_hours = app.config.offer_ttl.num_hours();
        let note = Note::notice("offer", now, move |lang| {
            payload(
                tr!(lang, "offer-seat", class = class_ref.label(lang), number = number.as_str(), hours = ttl_hours),
                vec![vec![
                    (tr!(lang, "btn-accept-offer"), Cb::Order(OrderAction::AcceptOffer(id)).encode()),
                    (tr!(lang, "btn-decline-offer"), Cb::Order(OrderAction::DeclineOffer(id)).encode()),
                ]],
            )
        })
        .dedupe(format!("order:{id}:offer"))
        .personal();
        let reaches_at = notify::queue(tx, app, next.user_id, &note).await?.unwrap_or(now).max(now);
        let expires = reaches_at + app.config.offer_ttl;
        if !store::transition(tx, id, OrderStatus::Waitlisted, OrderStatus::Offered, now, None, Some(expires)).await? {
            break;
        }
        offered += 1;
        // The waitlist moved: a line to the coordinators who want one (read on this transaction's
        // connection, see `class_coordinators`).
        let name = db::people::name_conn(tx, next.user_id).await?.unwrap_or_default();
        for coordinator in db::people::line_coordinators_of_class(tx, class_key).await? {
            let (name, number) = (name.clone(), next.number.clone());
            let line = Note::notice("coordinator", now, move |lang| {
                payload(tr!(lang, "coord-line-offered", name = name.as_str(), number = number.as_str()), vec![])
            })
            .dedupe(format!("order:{id}:offered:{coordinator}"));
            notify::queue(tx, app, coordinator, &line).await?;
        }
    }
    Ok(offered)
}

/// Cancels one order of a person whose data is being erased, inside the erasure's transaction, and
/// offers a freed seat to the waitlist exactly as a normal cancellation does. No cut-off applies
/// (erasure is a right) and no coordinator line names the person. An order whose class has begun is
/// history and stays (unlinked from the person by the erasure). Returns whether it was cancelled.
pub async fn cancel_for_erasure(tx: &mut Tx, app: &App, order_id: i64, class_begun: bool) -> anyhow::Result<bool> {
    let Some(order) = store::get_in_tx(tx, order_id).await? else { return Ok(false) };
    let cancel = match order.status {
        OrderStatus::PendingApproval | OrderStatus::Waitlisted | OrderStatus::Offered => true,
        OrderStatus::Confirmed => !class_begun,
        _ => false,
    };
    if !cancel {
        return Ok(false);
    }
    // Serialise with seat-taking on this class, then re-read under the lock.
    store::lock_class(tx, app.db.backend, &order.class_key).await?;
    let Some(order) = store::get_in_tx(tx, order_id).await? else { return Ok(false) };
    if !order.status.is_cancellable()
        || !store::transition(tx, order.id, order.status, OrderStatus::Cancelled, app.now(), None, None).await?
    {
        return Ok(false);
    }
    reminders::withdraw_for_order(tx, order.id).await?;
    offer_free_seats(tx, app, &order.class_key).await?;
    Ok(true)
}

/// What a button press on an order did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionOutcome {
    /// Done; the order as it is now.
    Done(OrderRow),
    /// Cancelled; `seat_passed_on`: a freed seat went to someone on the waitlist.
    Cancelled { order: OrderRow, seat_passed_on: bool },
    /// Late cancellation: sent to the coordinators as a request.
    CancelRequested(OrderRow),
    /// Late cancellation, but nobody (no coordinator up the region chain, no admin) can decide it.
    NobodyToAsk(OrderRow),
    /// The class is over: nothing to cancel.
    ClassEnded(OrderRow),
    /// Nothing changed because the order is no longer where the button assumed (double tap, old
    /// message, expired offer); the order as it is now.
    Stale(OrderRow),
    /// The presser may not do this (not their order, not their region).
    NotAllowed,
    /// No such order.
    Unknown,
}

/// Carries out an order button: loads the facts, lets [`order::decide`] decide, then writes the change
/// and carries out its effects in one transaction. Every press re-reads the order under the class lock.
pub async fn act(app: &App, presser: &Person, action: OrderAction) -> anyhow::Result<ActionOutcome> {
    let id = action.order_id();
    let Some(order) = store::get(&app.db, id).await? else { return Ok(ActionOutcome::Unknown) };
    let Some(info) = class_info(app, &order.class_key).await? else { return Ok(ActionOutcome::Unknown) };
    // The one scope rule: a decision is for a coordinator up the class's region chain (or an admin),
    // anything else only for the order's owner.
    let rights = order::Presser {
        owns: crate::services::access::owns(presser, order.user_id),
        decides: action.is_coordinators()
            && crate::services::access::may_decide(app, presser, &info.class.region_key).await?,
    };
    let now = app.now();
    let class_ref = info.reference();
    // Read before the transaction: nothing inside it may wait for a second pool connection, or a
    // burst of presses on one class (each holding a connection while it waits for the class lock)
    // starves the pool while the lock holder waits for a connection.
    let deciders = match action {
        OrderAction::ConfirmCancel(_) | OrderAction::AcceptOffer(_) => {
            deciders_for_class(app, &order.class_key).await?
        }
        _ => Vec::new(),
    };
    // An offer accepted in a class that needs approval goes to the deciders like a new order.
    let accept_village = match (action, &presser.village_key) {
        (OrderAction::AcceptOffer(_), Some(v)) => db::regions::get(&app.db, v).await?,
        _ => None,
    };
    // A refusal tells the person whom to ask: their office's contact, read before the transaction too.
    let contact = match action {
        OrderAction::Reject(_) | OrderAction::RefuseCancel(_) => {
            let owner = db::people::find(&app.db, order.user_id).await?;
            crate::services::office::contact_for(app, owner.as_ref()).await
        }
        _ => None,
    };

    let mut tx = app.db.begin_write().await?;
    // Serialise with seat-taking on this class.
    let locked = store::lock_class(&mut tx, app.db.backend, &order.class_key).await?;
    let Some(order) = store::get_in_tx(&mut tx, id).await? else { return Ok(ActionOutcome::Unknown) };
    let facts = order::OrderFacts {
        status: order.status,
        cancel_requested: order.cancel_requested_at.is_some(),
        offer_expires_at: order.offer_expires_at,
        class_needs_approval: locked.as_ref().is_some_and(|c| c.needs_approval),
        timing: info.timing(),
        has_deciders: !deciders.is_empty(),
    };
    let policy = order::OrderPolicy { cancel_cutoff: app.config.cancel_cutoff };
    let (change, effects) = match order::decide(&facts, action, rights, now, &policy) {
        OrderDecision::Refused(refusal) => {
            if refusal == Refusal::NotAllowed {
                tracing::warn!(user = presser.user_id, order = id, ?action, "order action refused: not allowed");
            }
            if refusal == Refusal::NobodyToAsk {
                tracing::warn!(order = id, class = %order.class_key, "late cancellation with nobody to decide it");
            }
            return Ok(match refusal {
                Refusal::NotAllowed => ActionOutcome::NotAllowed,
                Refusal::Stale => ActionOutcome::Stale(order),
                Refusal::ClassEnded => ActionOutcome::ClassEnded(order),
                Refusal::CancelAlreadyRequested => ActionOutcome::CancelRequested(order),
                Refusal::NobodyToAsk => ActionOutcome::NobodyToAsk(order),
            });
        }
        // Asking for confirmation changes nothing; the handler shows the question.
        OrderDecision::AskToConfirmCancel => return Ok(ActionOutcome::Done(order)),
        OrderDecision::Change { change, effects } => (change, effects),
    };
    let actor = Some(presser.user_id);
    let from = order.status;
    let changed = match change {
        OrderChange::Move(to) => store::transition(&mut tx, id, from, to, now, actor, None).await?,
        OrderChange::RequestCancel => store::mark_cancel_requested(&mut tx, id, now).await?,
        OrderChange::ClearCancelRequest => store::clear_cancel_request(&mut tx, id, now).await?,
    };
    if !changed {
        return Ok(ActionOutcome::Stale(order));
    }
    let mut seat_passed_on = false;
    for effect in effects {
        match effect {
            OrderEffect::TellOwner(notice) => {
                let note = owner_notice(notice, &order, &class_ref, contact.clone(), now);
                notify::queue(&mut tx, app, order.user_id, &note).await?;
            }
            OrderEffect::PlanReminders => {
                reminders::plan_for_order(&mut tx, app, &order).await?;
            }
            OrderEffect::WithdrawReminders => {
                reminders::withdraw_for_order(&mut tx, id).await?;
            }
            OrderEffect::OfferFreedSeat => seat_passed_on = offer_free_seats(&mut tx, app, &order.class_key).await? > 0,
            OrderEffect::AskDecidersToApprove => {
                let Some(class) = &locked else { continue };
                let taken = store::seats_held(&mut tx, &order.class_key).await?;
                let to = OrderStatus::PendingApproval;
                let line = OrderLine::new(
                    presser,
                    accept_village.clone(),
                    &info,
                    taken,
                    class.capacity,
                    to,
                    &order.number,
                    id,
                );
                for decider in &deciders {
                    let to = decider.person.user_id;
                    let note = line.clone().note(now).dedupe(format!("order:{id}:pending:{to}"));
                    notify::queue(&mut tx, app, to, &note).await?;
                }
            }
            OrderEffect::AskDecidersToAllowCancel => {
                queue_cancel_request(&mut tx, app, &deciders, &order, presser, &class_ref, now).await?
            }
            OrderEffect::LineToCoordinators => {
                queue_coordinator_line(&mut tx, app, &deciders, &order, presser, &class_ref).await?
            }
            OrderEffect::FollowUpAsComparison => {
                let Some(ended) = info.timing().last_end else { continue };
                let followed = FollowedOrder { order_id: id, user_id: order.user_id, cohort: Cohort::Comparison };
                crate::services::surveys::plan_followups(&mut tx, app, &followed, Some(&info.course), ended).await?;
            }
        }
    }
    let fresh = store::get_in_tx(&mut tx, id).await?.unwrap_or_else(|| order.clone());
    tx.commit().await?;
    app.wake_outbox();
    app.wake_scheduler();
    Ok(match (action, change) {
        (OrderAction::ConfirmCancel(_), OrderChange::Move(_)) => {
            ActionOutcome::Cancelled { order: fresh, seat_passed_on }
        }
        (_, OrderChange::RequestCancel) => ActionOutcome::CancelRequested(fresh),
        _ => ActionOutcome::Done(fresh),
    })
}

/// The owner's message about a coordinator's decision on their order.
fn owner_notice(
    notice: OwnerNotice,
    order: &OrderRow,
    class_ref: &ClassRef,
    contact: Option<Localized>,
    now: DateTime<Utc>,
) -> Note {
    let (id, number, class_ref) = (order.id, order.number.clone(), class_ref.clone());
    let note = Note::notice("notice", now, move |lang| {
        let (class, number) = (class_ref.label(lang), number.as_str());
        let contact = || crate::services::office::contact_arg(contact.as_ref(), lang);
        let text = match notice {
            OwnerNotice::Approved => tr!(lang, "order-approved", class = class, number = number),
            OwnerNotice::Rejected => tr!(lang, "order-rejected", class = class, number = number, contact = contact()),
            OwnerNotice::CancelAllowed => tr!(lang, "cancel-allowed", class = class, number = number),
            OwnerNotice::CancelRefused => {
                tr!(lang, "cancel-refused", class = class, number = number, contact = contact())
            }
        };
        payload(text, vec![])
    });
    let dedupe = match notice {
        OwnerNotice::Approved | OwnerNotice::Rejected => format!("order:{id}:decided"),
        // One answer per request (a refused request may be asked again).
        OwnerNotice::CancelAllowed | OwnerNotice::CancelRefused => {
            format!("order:{id}:cancel-decided:{}", order.cancel_requested_at.map_or(0, |t| t.timestamp()))
        }
    };
    let note = note.dedupe(dedupe);
    match notice {
        OwnerNotice::Approved | OwnerNotice::Rejected => note.personal(),
        OwnerNotice::CancelAllowed | OwnerNotice::CancelRefused => note,
    }
}

/// Who decides for a class what a coordinator decides (approvals, late cancellations): the coordinators
/// up its region chain, else the admins; empty when nobody can. Each says whether they want the
/// one-line messages about orders. Read before a transaction: nothing inside one may wait for a second
/// pool connection.
pub async fn deciders_for_class(app: &App, class_key: &str) -> anyhow::Result<Vec<Decider>> {
    let region = app.db.catalog().await?.class(class_key).map(|c| c.region_key.clone());
    let chain = match region {
        Some(region) => keys(&region_chain(app, &region).await?),
        None => Vec::new(),
    };
    Ok(db::people::deciders_for(&app.db, &chain).await?)
}

/// One line to the class region's `coordinators` (those who want lines) that `order` was cancelled.
async fn queue_coordinator_line(
    tx: &mut Tx,
    app: &App,
    deciders: &[Decider],
    order: &OrderRow,
    person: &Person,
    class_ref: &ClassRef,
) -> anyhow::Result<()> {
    for coordinator in deciders.iter().filter(|d| d.wants_lines).map(|d| &d.person) {
        let (name, number, class_ref) = (person.name.as_str().to_owned(), order.number.clone(), class_ref.clone());
        let note = Note::notice("coordinator", app.now(), move |lang| {
            payload(
                tr!(
                    lang,
                    "coord-line-cancelled",
                    name = name.as_str(),
                    class = class_ref.label(lang),
                    number = number.as_str()
                ),
                vec![],
            )
        })
        .dedupe(format!("order:{}:cancelled:{}", order.id, coordinator.user_id));
        notify::queue(tx, app, coordinator.user_id, &note).await?;
    }
    Ok(())
}

async fn queue_cancel_request(
    tx: &mut Tx,
    app: &App,
    deciders: &[Decider],
    order: &OrderRow,
    person: &Person,
    class_ref: &ClassRef,
    requested_at: DateTime<Utc>,
) -> anyhow::Result<()> {
    // Keyed by the request: after a refusal the person may ask again, and that is a new question.
    let request = requested_at.timestamp();
    for decider in deciders {
        let (name, number, id, class_ref) =
            (person.name.as_str().to_owned(), order.number.clone(), order.id, class_ref.clone());
        let note = Note::notice("coordinator", app.now(), move |lang| {
            payload(
                tr!(
                    lang,
                    "coord-cancel-request",
                    name = name.as_str(),
                    class = class_ref.label(lang),
                    number = number.as_str()
                ),
                vec![vec![
                    (tr!(lang, "btn-allow-cancel"), Cb::Order(OrderAction::AllowCancel(id)).encode()),
                    (tr!(lang, "btn-refuse-cancel"), Cb::Order(OrderAction::RefuseCancel(id)).encode()),
                ]],
            )
        })
        .dedupe(format!("order:{id}:cancel-request:{request}:{}", decider.person.user_id));
        notify::queue(tx, app, decider.person.user_id, &note).await?;
    }
    Ok(())
}

/// Passes every expired offer to the next person on its waitlist. Returns how many expired.
pub async fn expire_offers(app: &App) -> anyhow::Result<usize> {
    let now = app.now();
    let mut expired = 0;
    for order in store::expired_offers(&app.db, now).await? {
        let class_ref = class_info(app, &order.class_key).await?.map(|info| info.reference());
        let mut tx = app.db.begin_write().await?;
        store::lock_class(&mut tx, app.db.backend, &order.class_key).await?;
        // Accepted or declined in the meantime: the compare-and-set leaves it alone.
        if store::transition(&mut tx, order.id, OrderStatus::Offered, OrderStatus::Cancelled, now, None, None).await? {
            let number = order.number.clone();
            let note = Note::notice("notice", now, move |lang| {
                let class = class_ref.as_ref().map(|c| c.label(lang)).unwrap_or_default();
                payload(tr!(lang, "offer-expired", class = class, number = number.as_str()), vec![])
            })
            .dedupe(format!("order:{}:offer-expired", order.id));
            notify::queue(&mut tx, app, order.user_id, &note).await?;
            offer_free_seats(&mut tx, app, &order.class_key).await?;
            expired += 1;
        }
        tx.commit().await?;
    }
    if expired > 0 {
        app.wake_outbox();
    }
    Ok(expired)
}

/// One order as "my courses" shows it.
#[derive(Debug, Clone)]
pub struct MyOrder {
    pub order: OrderRow,
    pub info: Option<ClassInfo>,
    pub position: Option<i64>,
    /// What cancelling it would do now (one rule with the reminders' "cancel the whole order").
    pub cancel: CancelRule,
    /// Ended because a seat offer ran out (shown as expired, not as cancelled).
    pub offer_lapsed: bool,
    /// Over: its class has ended or the order has (see [`crate::domain::order::is_past`]).
    pub past: bool,
}

/// A person's orders: those still ahead first, by their first session; then the past ones, newest first.
pub async fn my_orders(app: &App, user_id: i64) -> anyhow::Result<Vec<MyOrder>> {
    let now = app.now();
    let lapsed = store::lapsed_offers(&app.db, user_id).await?;
    let mut out = Vec::new();
    for order in store::of_user(&app.db, user_id).await? {
        let info = class_info(app, &order.class_key).await?;
        let position = match order.status {
            OrderStatus::Waitlisted => Some(store::waitlist_position(&app.db, &order).await?),
            _ => None,
        };
        let timing = info.as_ref().map(ClassInfo::timing).unwrap_or(ClassTiming { first_start: None, last_end: None });
        let cancel =
            cancel_rule(order.status, order.cancel_requested_at.is_some(), timing, now, app.config.cancel_cutoff);
        let past = crate::domain::order::is_past(order.status, timing, now);
        let offer_lapsed = lapsed.contains(&order.id);
        out.push(MyOrder { order, info, position, cancel, offer_lapsed, past });
    }
    out.sort_by_key(|o| (o.past, o.info.as_ref().and_then(|i| i.first_start()).filter(|_| !o.past)));
    Ok(out)
}
