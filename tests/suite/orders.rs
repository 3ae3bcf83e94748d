//! Order-style sign-up (群众点单、政府买单) at the service level, on SQLite and on PostgreSQL: the race
//! for the last seat, the waitlist and its offers, late cancellations, approvals, and forged or stale
//! button presses. Everything is asserted as a person or a coordinator would see it: order statuses,
//! waitlist positions, and the messages queued in the outbox (text and buttons).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::common::Store;
use chrono::{DateTime, Duration, Utc};
use fieldschool::app::App;
use fieldschool::clock::ManualClock;
use fieldschool::config::Config;
use fieldschool::db::orders::OrderRow;
use fieldschool::db::outbox::PayloadButton;
use fieldschool::db::{self, from_epoch};
use fieldschool::domain::callback::Cb;
use fieldschool::domain::order::{OrderAction, OrderStatus};
use fieldschool::domain::person::{Audience, Person, PersonName, Phone, Role, RoleGrant};
use fieldschool::domain::registration::NewPerson;
use fieldschool::i18n::Lang;
use fieldschool::services::orders::{self, ActionOutcome, PlaceOutcome};
use fieldschool::services::{catalog_import, people};
use serde::Deserialize;
use sqlx::Row;

/// Capacity 30, first session 2026-12-12, township xinan-tieshan.
const BIG: &str = "mushroom-2026-12";
/// Capacity 2, first session 2026-12-20 09:30, village xinan-tieshan-xicun.
const SMALL: &str = "mushroom-small-2026-12";
/// Course `housekeeping` (needs approval), township xinan-chengguan, first session 2027-03-06.
const HOUSEKEEPING: &str = "housekeeping-2027-03";
/// A cadre course's class.
const CADRE_CLASS: &str = "cadre-policy-xinan-2027-03";
const DONGCUN: &str = "xinan-tieshan-dongcun";
const XICUN: &str = "xinan-tieshan-xicun";

/// Runs an async test body once per backend: `name::sqlite` and `name::postgres`.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(super::Store::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::$name(super::Store::Postgres).await
            }
        }
    )+};
}

on_both_backends!(
    the_last_seats_go_to_exactly_capacity_people,
    ordering_twice_at_once_makes_one_order,
    a_freed_seat_is_offered_to_the_first_in_line,
    an_unanswered_offer_expires_and_passes_on,
    a_late_cancellation_goes_to_the_coordinator,
    an_approval_course_waits_for_the_right_coordinator,
    forged_and_stale_presses_change_nothing,
    every_new_order_tells_the_regions_coordinators,
    many_people_cancelling_at_once_all_succeed,
    a_renewed_late_cancellation_reaches_the_coordinator_again,
    a_seat_taken_from_the_waitlist_of_an_approval_class_reaches_the_coordinator,
);

struct World {
    app: App,
    clock: ManualClock,
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh database with the demo catalogue, the clock at 2026-12-01 09:00 Beijing. `None` only when
/// PostgreSQL was asked for and FIELDSCHOOL_SKIP_PG=1.
async fn world(store: Store) -> Option<World> {
    let Some((db, dir)) = crate::common::fresh_db(store).await else {
        eprintln!("FIELDSCHOOL_SKIP_PG=1: skipping the PostgreSQL run");
        return None;
    };
    catalog_import::import_str(&db, "demo-catalog.toml", crate::common::DEMO_CATALOG)
        .await
        .expect("the demo catalogue imports");
    let clock = ManualClock::new(crate::common::demo_start());
    let mut config = Config::from_env().unwrap();
    // The defaults, pinned so an environment variable cannot change what these tests mean.
    config.cancel_cutoff = Duration::hours(24);
    config.offer_ttl = Duration::hours(24);
    let app = App::new(db, Arc::new(clock.clone()), config);
    Some(World { app, clock, store, _dir: dir })
}

/// 2026-12-?? hh:mm in Beijing.
fn beijing(rfc3339_local: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{rfc3339_local}+08:00")).unwrap().to_utc()
}

/// One message waiting in the outbox, as the person will see it.
#[derive(Debug, Clone)]
struct Queued {
    kind: String,
    text: String,
    /// (label, callback data), all rows flattened.
    buttons: Vec<(String, String)>,
    due_at: DateTime<Utc>,
}

impl Queued {
    fn callbacks(&self) -> Vec<&str> {
        self.buttons.iter().map(|(_, data)| data.as_str()).collect()
    }
}

#[derive(Deserialize)]
struct StoredPayload {
    text: String,
    #[serde(default)]
    buttons: Vec<Vec<PayloadButton>>,
}

impl World {
    fn b(&self) -> &'static str {
        match self.store {
            Store::Sqlite => "sqlite",
            Store::Postgres => "postgres",
        }
    }

    async fn register(&self, user_id: i64, name: &str, audience: Audience, village: &str, lang: Lang) -> Person {
        let new = NewPerson {
            lang,
            audience,
            name: PersonName::parse(name).unwrap(),
            village_key: village.to_owned(),
            phone: Phone::parse("+8613800000000"),
            work_intent: None,
        };
        // A chat id unlike the user id, so a message sent to the wrong one shows.
        people::register(&self.app, user_id, chat_of(user_id), &new).await.unwrap()
    }

    async fn villager(&self, user_id: i64, name: &str) -> Person {
        self.register(user_id, name, Audience::Villager, DONGCUN, Lang::Zh).await
    }

    async fn coordinator(&self, user_id: i64, name: &str, region: &str, lang: Lang) -> Person {
        self.register(user_id, name, Audience::Villager, DONGCUN, lang).await;
        let mut tx = self.app.db.begin_write().await.unwrap();
        db::people::grant_role(
            &mut tx,
            user_id,
            &RoleGrant { role: Role::Coordinator, region_key: region.into() },
            self.app.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        db::people::find(&self.app.db, user_id).await.unwrap().unwrap()
    }

    async fn place(&self, who: &Person, class_key: &str) -> PlaceOutcome {
        orders::place(&self.app, who, class_key).await.unwrap()
    }

    /// Places an order that must be new; returns it with its waitlist position.
    async fn placed(&self, who: &Person, class_key: &str) -> (OrderRow, Option<i64>) {
        match self.place(who, class_key).await {
            PlaceOutcome::Placed { order, position, .. } => (order, position),
            other => panic!("{}: {} expected a new order in {class_key}, got {other:?}", self.b(), who.name),
        }
    }

    async fn act(&self, who: &Person, action: OrderAction) -> ActionOutcome {
        orders::act(&self.app, who, action).await.unwrap()
    }

    async fn order(&self, id: i64) -> OrderRow {
        db::orders::get(&self.app.db, id).await.unwrap().expect("the order exists")
    }

    async fn status(&self, id: i64) -> OrderStatus {
        self.order(id).await.status
    }

    async fn seats_held(&self, class_key: &str) -> i64 {
        db::orders::seats_held_now(&self.app.db, class_key).await.unwrap()
    }

    async fn count(&self, class_key: &str, status: OrderStatus) -> i64 {
        db::orders::count_in_status(&self.app.db, class_key, status).await.unwrap()
    }

    /// The position "my courses" shows for an order (None unless waitlisted).
    async fn position(&self, who: &Person, order_id: i64) -> Option<i64> {
        let mine = orders::my_orders(&self.app, who.user_id).await.unwrap();
        mine.into_iter().find(|o| o.order.id == order_id).expect("the order is among my orders").position
    }

    /// Everything queued to a person's chat, oldest first.
    async fn inbox(&self, who: &Person) -> Vec<Queued> {
        let listed = db::outbox::for_chat(&self.app.db, who.chat_id).await.unwrap();
        let rows = sqlx::query("SELECT id, kind, payload, due_at FROM outbox WHERE chat_id = $1 ORDER BY id")
            .bind(who.chat_id)
            .fetch_all(&self.app.db.pool)
            .await
            .unwrap();
        assert_eq!(listed.len(), rows.len());
        rows.iter()
            .map(|row| {
                let stored: StoredPayload = serde_json::from_str(&row.get::<String, _>("payload")).unwrap();
                Queued {
                    kind: row.get("kind"),
                    text: stored.text,
                    buttons: stored.buttons.into_iter().flatten().map(|b| (b.text, b.callback_data)).collect(),
                    due_at: from_epoch(row.get("due_at")),
                }
            })
            .collect()
    }

    /// The queued messages of one kind.
    async fn inbox_of(&self, who: &Person, kind: &str) -> Vec<Queued> {
        self.inbox(who).await.into_iter().filter(|m| m.kind == kind).collect()
    }

    async fn course_title(&self, class_key: &str, lang: Lang) -> String {
        let info = orders::class_info(&self.app, class_key).await.unwrap().unwrap();
        info.course.display_title(lang).to_owned()
    }

    /// How messages name a class: course, first date and place.
    async fn class_label(&self, class_key: &str, lang: Lang) -> String {
        let info = orders::class_info(&self.app, class_key).await.unwrap().unwrap();
        info.reference().label(lang)
    }
}

/// "Villager Bd": names take letters only, so numbers are spelled with them.
fn nth(prefix: &str, i: i64) -> String {
    let letter = |n: i64| char::from(b'a' + (n % 26) as u8);
    format!("{prefix} {}{}", letter(i / 26).to_ascii_uppercase(), letter(i))
}

fn chat_of(user_id: i64) -> i64 {
    user_id + 7_000_000
}

fn done(outcome: ActionOutcome, what: &str) -> OrderRow {
    match outcome {
        ActionOutcome::Done(order) => order,
        other => panic!("{what}: expected Done, got {other:?}"),
    }
}

/// A cancellation that went through; whether the freed seat went to someone waiting.
fn cancelled(outcome: ActionOutcome, what: &str) -> (OrderRow, bool) {
    match outcome {
        ActionOutcome::Cancelled { order, seat_passed_on } => (order, seat_passed_on),
        other => panic!("{what}: expected Cancelled, got {other:?}"),
    }
}

fn stale(outcome: ActionOutcome, what: &str) -> OrderRow {
    match outcome {
        ActionOutcome::Stale(order) => order,
        other => panic!("{what}: expected Stale, got {other:?}"),
    }
}

/// Fills the small class (capacity 2) with two confirmed orders and puts `waiting` on its waitlist.
async fn fill_small_class(w: &World, first_id: i64, waiting: usize) -> Vec<(Person, OrderRow)> {
    let mut out = Vec::new();
    for i in 0..(2 + waiting) as i64 {
        let p = w.villager(first_id + i, &format!("Villager {}", char::from(b'A' + i as u8))).await;
        let (order, position) = w.placed(&p, SMALL).await;
        if i < 2 {
            assert_eq!((order.status, position), (OrderStatus::Confirmed, None), "{}", w.b());
        } else {
            assert_eq!((order.status, position), (OrderStatus::Waitlisted, Some(i - 1)), "{}", w.b());
        }
        out.push((p, order));
    }
    out
}

// ------------------------------------------------------------------------------------------------
// 1. The last-seat race
// ------------------------------------------------------------------------------------------------

async fn the_last_seats_go_to_exactly_capacity_people(store: Store) {
    let Some(w) = world(store).await else { return };
    let b = w.b();
    // A coordinator of the county sees one line per order with "taken/total": it must never read 3/2.
    let coord = w.coordinator(90, "Coordinator Wang", "xinan", Lang::En).await;
    let mut villagers = Vec::new();
    for i in 0..40 {
        let village = if i % 2 == 0 { DONGCUN } else { XICUN };
        villagers.push(w.register(1000 + i, &nth("Villager", i), Audience::Villager, village, Lang::Zh).await);
    }

    let tasks: Vec<_> = villagers
        .iter()
        .cloned()
        .map(|p| {
            let app = w.app.clone();
            tokio::spawn(async move { (p.user_id, orders::place(&app, &p, SMALL).await.unwrap()) })
        })
        .collect();
    let outcomes = futures::future::join_all(tasks).await;

    let mut confirmed = Vec::new();
    let mut positions = Vec::new();
    for outcome in outcomes {
        let (user_id, outcome) = outcome.unwrap();
        match outcome {
            PlaceOutcome::Placed { order, position, .. } => {
                assert_eq!(order.user_id, user_id, "{b}");
                match order.status {
                    OrderStatus::Confirmed => {
                        assert_eq!(position, None, "{b}");
                        confirmed.push(order.id);
                    }
                    OrderStatus::Waitlisted => positions.push(position.expect("a waitlisted order has a position")),
                    other => panic!("{b}: unexpected status {other:?}"),
                }
            }
            other => panic!("{b}: every villager gets a new order, got {other:?}"),
        }
    }
    assert_eq!(confirmed.len(), 2, "{b}: exactly capacity people get a seat");
    positions.sort_unstable();
    assert_eq!(positions, (1..=38).collect::<Vec<i64>>(), "{b}: distinct positions 1..=38");

    // What the database and "my courses" say afterwards agrees.
    assert_eq!(w.seats_held(SMALL).await, 2, "{b}");
    assert_eq!(w.count(SMALL, OrderStatus::Confirmed).await, 2, "{b}");
    assert_eq!(w.count(SMALL, OrderStatus::Waitlisted).await, 38, "{b}");
    let info = orders::class_info(&w.app, SMALL).await.unwrap().unwrap();
    assert_eq!((info.seats_held, info.seats_left()), (2, 0), "{b}");
    let mut shown = BTreeSet::new();
    for p in &villagers {
        let mine = orders::my_orders(&w.app, p.user_id).await.unwrap();
        assert_eq!(mine.len(), 1, "{b}");
        if let Some(pos) = mine[0].position {
            assert!(shown.insert(pos), "{b}: position {pos} shown twice");
        }
    }
    assert_eq!(shown.len(), 38, "{b}");

    // The coordinator's lines: 40 of them, the seat count never above capacity, and "2/2" reached
    // exactly by the second confirmation.
    let lines = w.inbox_of(&coord, "coordinator").await;
    assert_eq!(lines.len(), 40, "{b}: one line per order");
    let taken: Vec<i64> = lines
        .iter()
        .map(|l| {
            let (_, rest) = l.text.split_once(" taken").map(|(a, _)| a.rsplit_once(", ").unwrap()).unwrap();
            rest.split_once('/').unwrap().0.parse().unwrap()
        })
        .collect();
    assert!(taken.iter().all(|t| *t <= 2), "{b}: seats taken never above capacity: {taken:?}");
    assert!(lines.iter().all(|l| l.text.contains("/2 taken")), "{b}");
    assert_eq!(lines.iter().filter(|l| l.text.contains("1/2 taken, confirmed")).count(), 1, "{b}");
    assert_eq!(lines.iter().filter(|l| l.text.contains("2/2 taken, confirmed")).count(), 1, "{b}");
    assert_eq!(lines.iter().filter(|l| l.text.contains("2/2 taken, on the waiting list")).count(), 38, "{b}");
}

async fn ordering_twice_at_once_makes_one_order(store: Store) {
    let Some(w) = world(store).await else { return };
    let b = w.b();
    for round in 0..6 {
        let p = w.villager(2000 + round, &nth("Double Tapper", round)).await;
        let class_key = if round % 2 == 0 { BIG } else { SMALL };
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let (app, p) = (w.app.clone(), p.clone());
                tokio::spawn(async move { orders::place(&app, &p, class_key).await.unwrap() })
            })
            .collect();
        let outcomes: Vec<PlaceOutcome> =
            futures::future::join_all(tasks).await.into_iter().map(|r| r.unwrap()).collect();
        let new: Vec<&OrderRow> = outcomes
            .iter()
            .filter_map(|o| match o {
                PlaceOutcome::Placed { order, .. } => Some(order),
                _ => None,
            })
            .collect();
        assert_eq!(new.len(), 1, "{b}: one live order per person and class: {outcomes:?}");
        for o in &outcomes {
            match o {
                PlaceOutcome::Placed { .. } => {}
                PlaceOutcome::Already(existing) => assert_eq!(existing.id, new[0].id, "{b}: Already names the order"),
                other => panic!("{b}: unexpected {other:?}"),
            }
        }
        let mine = orders::my_orders(&w.app, p.user_id).await.unwrap();
        assert_eq!(mine.len(), 1, "{b}");
        // Ordering again later is also refused, pointing at the same order.
        assert_eq!(w.place(&p, class_key).await, PlaceOutcome::Already(w.order(new[0].id).await), "{b}");
    }
    assert_eq!(w.seats_held(BIG).await, 3, "{b}");
    assert_eq!(w.seats_held(SMALL).await, 2, "{b}");
    assert_eq!(w.count(SMALL, OrderStatus::Waitlisted).await, 1, "{b}");
}

// ------------------------------------------------------------------------------------------------
// 2. The waitlist and offers
// ------------------------------------------------------------------------------------------------

async fn a_freed_seat_is_offered_to_the_first_in_line(store: Store) {
    let Some(w) = world(store).await else { return };
    let b = w.b();
    let coord = w.coordinator(90, "Coordinator Wang", "xinan", Lang::En).await;
    let people = fill_small_class(&w, 100, 3).await;
    let [(a, a_order), (bee, b_order), (c, c_order), (d, d_order), (e, e_order)] = &people[..] else { unreachable!() };
    let now = w.app.now();
    assert!(w.inbox_of(c, "offer").await.is_empty(), "{b}: no offer while the class is full");

    // A asks to cancel (nothing changes yet), then confirms, well before the cut-off.
    let asked = done(w.act(a, OrderAction::Cancel(a_order.id)).await, "cancel question");
    assert_eq!(asked.status, OrderStatus::Confirmed, "{b}: asking changes nothing");
    let (cancelled_order, passed_on) = cancelled(w.act(a, OrderAction::ConfirmCancel(a_order.id)).await, "confirm");
    assert_eq!(cancelled_order.status, OrderStatus::Cancelled, "{b}");
    assert!(passed_on, "{b}: two people wait, so the seat goes on");
    let again = stale(w.act(a, OrderAction::ConfirmCancel(a_order.id)).await, "second confirm");
    assert_eq!(again.status, OrderStatus::Cancelled, "{b}");
    let coord_lines = w.inbox_of(&coord, "coordinator").await;
    assert!(
        coord_lines.iter().any(|l| l.text.contains("Cancelled") && l.text.contains(a_order.number.as_str())),
        "{b}"
    );

    // C, first in line, is offered the seat: held for 24 h from now (09:00 is not quiet).
    let c_now = w.order(c_order.id).await;
    assert_eq!(c_now.status, OrderStatus::Offered, "{b}");
    assert_eq!(c_now.offer_expires_at, Some(now + Duration::hours(24)), "{b}");
    let offers = w.inbox_of(c, "offer").await;
    assert_eq!(offers.len(), 1, "{b}: one offer message");
    let offer = &offers[0];
    assert_eq!(offer.due_at, now, "{b}: the offer goes at once");
    // The offer names the class, not just the course: a person may hold orders for several of its classes.
    assert!(offer.text.contains(&w.class_label(SMALL, Lang::Zh).await), "{b}: {}", offer.text);
    assert!(offer.text.contains(c_order.number.as_str()) && offer.text.contains("24"), "{b}: {}", offer.text);
    assert_eq!(
        offer.callbacks(),
        vec![format!("ox:{}", c_order.id), format!("od:{}", c_order.id)],
        "{b}: Accept / Decline buttons"
    );
    assert_eq!(
        Cb::decode(offer.callbacks()[0]),
        Some(Cb::Order(OrderAction::AcceptOffer(c_order.id))),
        "{b}: the button decodes to the action"
    );
    // Nobody else got an offer; D and E moved up.
    for p in [d, e] {
        assert!(w.inbox_of(p, "offer").await.is_empty(), "{b}");
    }
    assert_eq!(w.position(d, d_order.id).await, Some(1), "{b}");
    assert_eq!(w.position(e, e_order.id).await, Some(2), "{b}");
    assert_eq!(w.seats_held(SMALL).await, 2, "{b}: the offered seat is held, none given twice");

    // D pressing an offer button they never got, or on their own waitlisted order, changes nothing.
    assert_eq!(w.act(d, OrderAction::AcceptOffer(c_order.id)).await, ActionOutcome::NotAllowed, "{b}");
    stale(w.act(d, OrderAction::AcceptOffer(d_order.id)).await, "accept while waitlisted");
    assert_eq!(w.status(d_order.id).await, OrderStatus::Waitlisted, "{b}");

    // C accepts: confirmed; a second tap is stale.
    w.clock.advance(Duration::hours(2));
    let accepted = done(w.act(c, OrderAction::AcceptOffer(c_order.id)).await, "accept");
    assert_eq!((accepted.status, accepted.offer_expires_at), (OrderStatus::Confirmed, None), "{b}");
    let twice = stale(w.act(c, OrderAction::AcceptOffer(c_order.id)).await, "second accept");
    assert_eq!(twice.status, OrderStatus::Confirmed, "{b}");
    stale(w.act(c, OrderAction::DeclineOffer(c_order.id)).await, "decline after accepting");
    assert_eq!(w.count(SMALL, OrderStatus::Confirmed).await, 2, "{b}");
    assert_eq!(w.count(SMALL, OrderStatus::Offered).await, 0, "{b}");
    assert_eq!(w.seats_held(SMALL).await, 2, "{b}");
    assert_eq!(w.status(d_order.id).await, OrderStatus::Waitlisted, "{b}: no free seat, no offer");

    // B cancels: D is offered; D declines; the seat passes on to E.
    cancelled(w.act(bee, OrderAction::ConfirmCancel(b_order.id)).await, "B cancels");
    assert_eq!(w.status(d_order.id).await, OrderStatus::Offered, "{b}");
    assert_eq!(w.status(e_order.id).await, OrderStatus::Waitlisted, "{b}");
    let declined = done(w.act(d, OrderAction::DeclineOffer(d_order.id)).await, "decline");
    assert_eq!(declined.status, OrderStatus::Cancelled, "{b}");
    stale(w.act(d, OrderAction::AcceptOffer(d_order.id)).await, "accept after declining");
    assert_eq!(w.status(e_order.id).await, OrderStatus::Offered, "{b}");
    let e_offers = w.inbox_of(e, "offer").await;
    assert_eq!(e_offers.len(), 1, "{b}");
    assert_eq!(e_offers[0].callbacks(), vec![format!("ox:{}", e_order.id), format!("od:{}", e_order.id)], "{b}");
    done(w.act(e, OrderAction::AcceptOffer(e_order.id)).await, "E accepts");
    assert_eq!(w.count(SMALL, OrderStatus::Confirmed).await, 2, "{b}: C and E");
    assert_eq!(w.seats_held(SMALL).await, 2, "{b}");
    assert_eq!(w.inbox_of(d, "offer").await.len(), 1, "{b}: D was offered exactly once");
}

async fn an_unanswered_offer_expires_and_passes_on(store: Store) {
    let Some(w) = world(store).await else { return };
    let b = w.b();
    let people = fill_small_class(&w, 100, 2).await;
    let [(a, a_order), _, (c, c_order), (d, d_order)] = &people[..] else { unreachable!() };

    // A cancels late in the evening, in the village's quiet hours: the offer message waits for the
    // morning, and the seat is held for 24 hours from when C can read about it.
    let evening = beijing("2026-12-01T22:00:00");
    w.clock.set(evening);
    cancelled(w.act(a, OrderAction::ConfirmCancel(a_order.id)).await, "A cancels");
    let offer = w.inbox_of(c, "offer").await.pop().expect("C is offered the seat");
    assert!(offer.due_at > evening, "{b}: the offer waits out the quiet hours: {}", offer.due_at);
    assert!(offer.due_at < evening + Duration::hours(12), "{b}: but goes the next morning: {}", offer.due_at);
    let expires = w.order(c_order.id).await.offer_expires_at.expect("an offer expires");
    assert_eq!(expires, offer.due_at + Duration::hours(24), "{b}: held from when the message can be read");

    // 24 hours after the cancellation the offer still stands (C only read it this morning).
    w.clock.set(evening + Duration::hours(24) + Duration::minutes(1));
    assert!(w.app.now() < expires, "{b}");
    assert_eq!(orders::expire_offers(&w.app).await.unwrap(), 0, "{b}");
    assert_eq!(w.status(c_order.id).await, OrderStatus::Offered, "{b}");

    // Past the expiry, a late tap on "I'll take the seat" is stale even before the sweep runs.
    w.clock.set(expires + Duration::minutes(1));
    let late = stale(w.act(c, OrderAction::AcceptOffer(c_order.id)).await, "late accept");
    assert_eq!(late.status, OrderStatus::Offered, "{b}");

    // The sweep: C's order is cancelled and C told; D is offered the seat.
    assert_eq!(orders::expire_offers(&w.app).await.unwrap(), 1, "{b}");
    assert_eq!(w.status(c_order.id).await, OrderStatus::Cancelled, "{b}");
    let notices = w.inbox_of(c, "notice").await;
    assert_eq!(notices.len(), 1, "{b}: one offer-expired notice: {notices:?}");
    assert!(notices[0].text.contains(c_order.number.as_str()), "{b}: {}", notices[0].text);
    assert!(notices[0].buttons.is_empty(), "{b}");
    let expired_text = fieldschool::tr!(
        Lang::Zh,
        "offer-expired",
        class = w.class_label(SMALL, Lang::Zh).await,
        number = c_order.number.as_str()
    );
    assert_eq!(notices[0].text, expired_text, "{b}: the offer-expired notice");

    let d_now = w.order(d_order.id).await;
    assert_eq!(d_now.status, OrderStatus::Offered, "{b}");
    let d_offer = w.inbox_of(d, "offer").await.pop().expect("D is offered the seat");
    assert_eq!(d_offer.callbacks(), vec![format!("ox:{}", d_order.id), format!("od:{}", d_order.id)], "{b}");
    assert_eq!(d_now.offer_expires_at, Some(d_offer.due_at + Duration::hours(24)), "{b}");
    assert_eq!(w.seats_held(SMALL).await, 2, "{b}");

    // The sweep is idempotent; C may order again and joins the back of the (now empty) queue.
    assert_eq!(orders::expire_offers(&w.app).await.unwrap(), 0, "{b}");
    assert_eq!(w.inbox_of(c, "notice").await.len(), 1, "{b}: no second notice");
    let (again, position) = w.placed(c, SMALL).await;
    assert_eq!((again.status, position), (OrderStatus::Waitlisted, Some(1)), "{b}");
    done(w.act(d, OrderAction::AcceptOffer(d_order.id)).await, "D accepts in time");
    assert_eq!(w.status(d_order.id).await, OrderStatus::Confirmed, "{b}");
}

// ------------------------------------------------------------------------------------------------
// 4. Cancelling after the cut-off
// ------------------------------------------------------------------------------------------------

async fn a_late_cancellation_goes_to_the_coordinator(store: Store) {
    let Some(w) = world(store).await else { return };
    let b = w.b();
    let coord = w.coordinator(90, "Coordinator Wang", "xinan", Lang::En).await;
    let other_coord = w.coordinator(91, "Coordinator Luo", "qianshan", Lang::En).await;
    let people = fill_small_class(&w, 100, 1).await;
    let [(a, a_order), (bee, b_order), (c, c_order)] = &people[..] else { unreachable!() };

    // 2026-12-19 12:00: 21.5 hours before the first session (12-20 09:30), inside the 24 h cut-off.
    w.clock.set(beijing("2026-12-19T12:00:00"));
    let requested = match w.act(a, OrderAction::ConfirmCancel(a_order.id)).await {
        ActionOutcome::CancelRequested(order) => order,
        other => panic!("{b}: expected CancelRequested, got {other:?}"),
    };
    assert_eq!(requested.status, OrderStatus::Confirmed, "{b}: the order stands until the coordinator decides");
    assert_eq!(requested.cancel_requested_at, Some(w.app.now()), "{b}");
    assert_eq!(w.status(c_order.id).await, OrderStatus::Waitlisted, "{b}: no seat freed yet");

    let requests: Vec<Queued> =
        w.inbox_of(&coord, "coordinator").await.into_iter().filter(|m| !m.buttons.is_empty()).collect();
    assert_eq!(requests.len(), 1, "{b}");
    assert!(requests[0].text.contains(a.name.as_str()) && requests[0].text.contains(a_order.number.as_str()), "{b}");
    assert_eq!(requests[0].callbacks(), vec![format!("ol:{}", a_order.id), format!("of:{}", a_order.id)], "{b}");
    assert!(w.inbox(&other_coord).await.is_empty(), "{b}: another county's coordinator hears nothing");

    // Asking again: still a request, no second message.
    assert!(matches!(w.act(a, OrderAction::ConfirmCancel(a_order.id)).await, ActionOutcome::CancelRequested(_)), "{b}");
    let with_buttons = |msgs: Vec<Queued>| msgs.into_iter().filter(|m| !m.buttons.is_empty()).count();
    assert_eq!(with_buttons(w.inbox_of(&coord, "coordinator").await), 1, "{b}");

    // The person cannot decide for themselves, nor can another county's coordinator.
    assert_eq!(w.act(a, OrderAction::AllowCancel(a_order.id)).await, ActionOutcome::NotAllowed, "{b}");
    assert_eq!(w.act(&other_coord, OrderAction::AllowCancel(a_order.id)).await, ActionOutcome::NotAllowed, "{b}");
    assert_eq!(w.status(a_order.id).await, OrderStatus::Confirmed, "{b}");

    // The coordinator refuses: the order stands and A is told.
    let refused = done(w.act(&coord, OrderAction::RefuseCancel(a_order.id)).await, "refuse");
    assert_eq!((refused.status, refused.cancel_requested_at), (OrderStatus::Confirmed, None), "{b}");
    let a_notices = w.inbox_of(a, "notice").await;
    assert_eq!(a_notices.len(), 1, "{b}");
    assert!(a_notices[0].text.contains(a_order.number.as_str()), "{b}");
    stale(w.act(&coord, OrderAction::AllowCancel(a_order.id)).await, "allow after refusing");
    assert_eq!(w.status(a_order.id).await, OrderStatus::Confirmed, "{b}");

    // B asks; the coordinator allows: cancelled, B told, C offered the seat (the class has not started).
    assert!(
        matches!(w.act(bee, OrderAction::ConfirmCancel(b_order.id)).await, ActionOutcome::CancelRequested(_)),
        "{b}"
    );
    assert_eq!(w.status(b_order.id).await, OrderStatus::Confirmed, "{b}");
    let b_request = w
        .inbox_of(&coord, "coordinator")
        .await
        .into_iter()
        .find(|m| m.callbacks().contains(&format!("ol:{}", b_order.id).as_str()))
        .expect("a request with Allow / Refuse for B");
    assert_eq!(b_request.callbacks(), vec![format!("ol:{}", b_order.id), format!("of:{}", b_order.id)], "{b}");
    let allowed = done(w.act(&coord, OrderAction::AllowCancel(b_order.id)).await, "allow");
    assert_eq!(allowed.status, OrderStatus::Cancelled, "{b}");
    let b_notices = w.inbox_of(bee, "notice").await;
    assert_eq!(b_notices.len(), 1, "{b}: B is told");
    let allowed_text = fieldschool::tr!(
        Lang::Zh,
        "cancel-allowed",
        class = w.class_label(SMALL, Lang::Zh).await,
        number = b_order.number.as_str()
    );
    assert_eq!(b_notices[0].text, allowed_text, "{b}");
    assert_ne!(a_notices[0].text, b_notices[0].text, "{b}: refused and allowed read differently");

    // A second press (either button) is stale and tells nobody anything new.
    let second = stale(w.act(&coord, OrderAction::AllowCancel(b_order.id)).await, "second allow");
    assert_eq!(second.status, OrderStatus::Cancelled, "{b}");
    stale(w.act(&coord, OrderAction::RefuseCancel(b_order.id)).await, "refuse after allowing");
    assert_eq!(w.inbox_of(bee, "notice").await.len(), 1, "{b}");

    assert_eq!(w.status(c_order.id).await, OrderStatus::Offered, "{b}");
    assert_eq!(w.inbox_of(c, "offer").await.len(), 1, "{b}");
    assert_eq!(w.seats_held(SMALL).await, 2, "{b}");
}

// ------------------------------------------------------------------------------------------------
// 5. Approval
// ------------------------------------------------------------------------------------------------

async fn an_approval_course_waits_for_the_right_coordinator(store: Store) {
    let Some(w) = world(store).await else { return };
    let b = w.b();
    let county = w.coordinator(90, "Coordinator Wang", "xinan", Lang::En).await;
    let township = w.coordinator(91, "Coordinator Zhao", "xinan-chengguan", Lang::Zh).await;
    let other_township = w.coordinator(92, "Coordinator Tie", "xinan-tieshan", Lang::En).await;
    let other_county = w.coordinator(93, "Coordinator Luo", "qianshan", Lang::En).await;
    let villager = w.villager(100, "Zhang Guilan").await;
    let neighbour = w.villager(101, "Li Meifang").await;

    let (order, position) = w.placed(&villager, HOUSEKEEPING).await;
    assert_eq!((order.status, position), (OrderStatus::PendingApproval, None), "{b}");
    assert_eq!(w.seats_held(HOUSEKEEPING).await, 1, "{b}: a pending order holds its seat");

    // The county's and the township's coordinators get a line with Approve / Reject.
    for coord in [&county, &township] {
        let lines = w.inbox_of(coord, "coordinator").await;
        assert_eq!(lines.len(), 1, "{b}: {}", coord.name);
        assert!(lines[0].text.contains("Zhang Guilan") && lines[0].text.contains(order.number.as_str()), "{b}");
        assert_eq!(lines[0].callbacks(), vec![format!("oa:{}", order.id), format!("or:{}", order.id)], "{b}");
    }
    assert!(w.inbox(&other_township).await.is_empty(), "{b}");
    assert!(w.inbox(&other_county).await.is_empty(), "{b}");

    // The trainee, a neighbour, and coordinators elsewhere may not approve.
    for (who, label) in [
        (&villager, "the trainee"),
        (&neighbour, "a neighbour"),
        (&other_township, "another township"),
        (&other_county, "another county"),
    ] {
        assert_eq!(w.act(who, OrderAction::Approve(order.id)).await, ActionOutcome::NotAllowed, "{b}: {label}");
        assert_eq!(w.act(who, OrderAction::Reject(order.id)).await, ActionOutcome::NotAllowed, "{b}: {label}");
    }
    assert_eq!(w.status(order.id).await, OrderStatus::PendingApproval, "{b}");
    assert!(w.inbox_of(&villager, "notice").await.is_empty(), "{b}");

    // The county's coordinator approves: confirmed, the villager told; every later press is stale.
    let approved = done(w.act(&county, OrderAction::Approve(order.id)).await, "approve");
    assert_eq!(approved.status, OrderStatus::Confirmed, "{b}");
    let notices = w.inbox_of(&villager, "notice").await;
    assert_eq!(notices.len(), 1, "{b}");
    let approved_text = fieldschool::tr!(
        Lang::Zh,
        "order-approved",
        class = w.class_label(HOUSEKEEPING, Lang::Zh).await,
        number = order.number.as_str()
    );
    assert_eq!(notices[0].text, approved_text, "{b}");
    let again = stale(w.act(&county, OrderAction::Approve(order.id)).await, "second approve");
    assert_eq!(again.status, OrderStatus::Confirmed, "{b}");
    stale(w.act(&township, OrderAction::Reject(order.id)).await, "reject after approval");
    assert_eq!(w.status(order.id).await, OrderStatus::Confirmed, "{b}");
    assert_eq!(w.inbox_of(&villager, "notice").await.len(), 1, "{b}: told once");

    // The township's coordinator rejects the neighbour's order: rejected, seat freed, neighbour told.
    let (n_order, _) = w.placed(&neighbour, HOUSEKEEPING).await;
    assert_eq!(n_order.status, OrderStatus::PendingApproval, "{b}");
    let rejected = done(w.act(&township, OrderAction::Reject(n_order.id)).await, "reject");
    assert_eq!(rejected.status, OrderStatus::Rejected, "{b}");
    assert_eq!(w.inbox_of(&neighbour, "notice").await.len(), 1, "{b}");
    stale(w.act(&county, OrderAction::Approve(n_order.id)).await, "approve after rejection");
    assert_eq!(w.seats_held(HOUSEKEEPING).await, 1, "{b}");
}

// ------------------------------------------------------------------------------------------------
// 6. Forged and stale data
// ------------------------------------------------------------------------------------------------

async fn forged_and_stale_presses_change_nothing(store: Store) {
    let Some(w) = world(store).await else { return };
    let b = w.b();
    let villager = w.villager(100, "Zhang Guilan").await;
    let other = w.villager(101, "Li Meifang").await;
    let cadre = w.register(102, "Liu Jianguo", Audience::Cadre, DONGCUN, Lang::Zh).await;

    assert_eq!(w.place(&villager, CADRE_CLASS).await, PlaceOutcome::NotForYou, "{b}: a cadre class");
    assert_eq!(w.place(&cadre, BIG).await, PlaceOutcome::NotForYou, "{b}: a villager class for a cadre");
    assert_eq!(w.place(&villager, "no-such-class").await, PlaceOutcome::NotForYou, "{b}: an unknown class");
    assert_eq!(w.place(&cadre, "cadre-cases-2027-04").await, PlaceOutcome::ClassClosed, "{b}");
    assert!(orders::my_orders(&w.app, villager.user_id).await.unwrap().is_empty(), "{b}");
    assert!(orders::my_orders(&w.app, cadre.user_id).await.unwrap().is_empty(), "{b}");

    assert_eq!(w.act(&villager, OrderAction::ConfirmCancel(999_999)).await, ActionOutcome::Unknown, "{b}");
    assert_eq!(w.act(&villager, OrderAction::Approve(999_999)).await, ActionOutcome::Unknown, "{b}");

    let (order, _) = w.placed(&villager, BIG).await;
    for action in [
        OrderAction::Cancel(order.id),
        OrderAction::ConfirmCancel(order.id),
        OrderAction::AcceptOffer(order.id),
        OrderAction::DeclineOffer(order.id),
        OrderAction::Approve(order.id),
        OrderAction::AllowCancel(order.id),
    ] {
        assert_eq!(w.act(&other, action).await, ActionOutcome::NotAllowed, "{b}: {action:?} on another's order");
    }
    // A trainee cannot approve or allow their own order either.
    for action in [OrderAction::Approve(order.id), OrderAction::Reject(order.id), OrderAction::AllowCancel(order.id)] {
        assert_eq!(w.act(&villager, action).await, ActionOutcome::NotAllowed, "{b}: {action:?} on one's own order");
    }
    assert_eq!(w.order(order.id).await, order, "{b}: nothing changed");
    // Only the reminders of the villager's own confirmed order (and its course's lessons around the
    // class) are queued: nothing from the refusals.
    assert!(w.inbox(&villager).await.iter().all(|m| m.kind == "reminder" || m.kind == "lesson-course"), "{b}");
    assert!(w.inbox(&other).await.is_empty(), "{b}");

    // Buttons that do not fit the order's state are stale.
    stale(w.act(&villager, OrderAction::AcceptOffer(order.id)).await, "accept without an offer");
    stale(w.act(&villager, OrderAction::DeclineOffer(order.id)).await, "decline without an offer");
    assert_eq!(w.status(order.id).await, OrderStatus::Confirmed, "{b}");

    // Once the class has started it takes no more orders.
    w.clock.set(beijing("2026-12-12T10:00:00"));
    assert_eq!(w.place(&other, BIG).await, PlaceOutcome::ClassStarted, "{b}");
}

// ------------------------------------------------------------------------------------------------
// 7. Coordinators hear about every new order
// ------------------------------------------------------------------------------------------------

async fn every_new_order_tells_the_regions_coordinators(store: Store) {
    let Some(w) = world(store).await else { return };
    let b = w.b();
    let county = w.coordinator(90, "Coordinator Wang", "xinan", Lang::En).await;
    let township = w.coordinator(91, "Coordinator Zhao", "xinan-tieshan", Lang::Zh).await;
    let elsewhere = w.coordinator(92, "Coordinator Luo", "qianshan", Lang::En).await;
    let chengguan = w.coordinator(93, "Coordinator Ma", "xinan-chengguan", Lang::En).await;
    let first = w.villager(100, "Li Xiuying").await;
    let second = w.register(101, "Zhao Lan", Audience::Villager, XICUN, Lang::En).await;

    let (o1, _) = w.placed(&first, BIG).await;
    let (o2, _) = w.placed(&second, BIG).await;

    let en_title = w.course_title(BIG, Lang::En).await;
    let zh_title = w.course_title(BIG, Lang::Zh).await;
    let en = w.inbox_of(&county, "coordinator").await;
    assert_eq!(en.len(), 2, "{b}: one line per order");
    for (line, (name, village, taken, order)) in
        en.iter().zip([("Li Xiuying", "Dongcun Village", "1/30", &o1), ("Zhao Lan", "Xicun Village", "2/30", &o2)])
    {
        assert!(!line.text.contains('\n'), "{b}: one line: {}", line.text);
        for part in [name, village, en_title.as_str(), taken, order.number.as_str(), "confirmed"] {
            assert!(line.text.contains(part), "{b}: {part:?} in {:?}", line.text);
        }
        assert!(line.buttons.is_empty(), "{b}: nothing to decide");
    }
    let zh = w.inbox_of(&township, "coordinator").await;
    assert_eq!(zh.len(), 2, "{b}");
    assert!(zh[0].text.contains("Li Xiuying") && zh[0].text.contains("东村"), "{b}: {}", zh[0].text);
    assert!(zh[0].text.contains(&zh_title) && zh[0].text.contains("1/30"), "{b}: {}", zh[0].text);
    assert!(zh[1].text.contains("西村") && zh[1].text.contains("2/30"), "{b}: {}", zh[1].text);
    assert!(w.inbox(&elsewhere).await.is_empty(), "{b}: another county hears nothing");
    assert!(w.inbox(&chengguan).await.is_empty(), "{b}: another township hears nothing");

    // A refused second order tells nobody anything.
    assert!(matches!(w.place(&first, BIG).await, PlaceOutcome::Already(_)), "{b}");
    assert_eq!(w.inbox_of(&county, "coordinator").await.len(), 2, "{b}");

    // A waitlisted order is reported too, with the class full.
    for i in 0..2 {
        w.placed(&w.villager(200 + i, &nth("Filler", i)).await, SMALL).await;
    }
    let late = w.villager(300, "Wang Fang").await;
    let (o3, position) = w.placed(&late, SMALL).await;
    assert_eq!((o3.status, position), (OrderStatus::Waitlisted, Some(1)), "{b}");
    let last = w.inbox_of(&county, "coordinator").await.pop().unwrap();
    assert!(
        last.text.contains("Wang Fang") && last.text.contains("2/2") && last.text.contains("on the waiting list"),
        "{b}: {}",
        last.text
    );
}

// ------------------------------------------------------------------------------------------------
// Load: many cancellations of one class at the same moment
// ------------------------------------------------------------------------------------------------

/// Cancelling holds the class lock in a write transaction; nothing in it may need a second pool
/// connection, or a burst of cancellations starves the pool (SQLite: "database is locked" after the
/// busy timeout; PostgreSQL: a pool timeout).
async fn many_people_cancelling_at_once_all_succeed(store: Store) {
    let Some(w) = world(store).await else { return };
    let b = w.b();
    let coord = w.coordinator(90, "Coordinator Wang", "xinan", Lang::En).await;
    let mut placed = Vec::new();
    for i in 0..30 {
        let p = w.villager(1000 + i, &nth("Villager", i)).await;
        let (order, _) = w.placed(&p, BIG).await;
        placed.push((p, order));
    }
    let mut waiting = Vec::new();
    for i in 0..5 {
        let p = w.villager(2000 + i, &nth("Waiting", i)).await;
        let (order, position) = w.placed(&p, BIG).await;
        assert_eq!(position, Some(i + 1), "{b}");
        waiting.push(order);
    }

    let tasks: Vec<_> = placed
        .iter()
        .cloned()
        .map(|(p, order)| {
            let app = w.app.clone();
            tokio::spawn(async move { orders::act(&app, &p, OrderAction::ConfirmCancel(order.id)).await })
        })
        .collect();
    for outcome in futures::future::join_all(tasks).await {
        let outcome = outcome.unwrap().unwrap_or_else(|e| panic!("{b}: a cancellation failed: {e:#}"));
        assert_eq!(cancelled(outcome, "cancel").0.status, OrderStatus::Cancelled, "{b}");
    }
    assert_eq!(w.count(BIG, OrderStatus::Cancelled).await, 30, "{b}");
    assert_eq!(w.count(BIG, OrderStatus::Offered).await, 5, "{b}: every waiting person offered a seat");
    assert_eq!(w.seats_held(BIG).await, 5, "{b}");
    for order in &waiting {
        assert_eq!(w.status(order.id).await, OrderStatus::Offered, "{b}");
    }
    let cancelled_lines =
        w.inbox_of(&coord, "coordinator").await.into_iter().filter(|l| l.text.contains("Cancelled")).count();
    assert_eq!(cancelled_lines, 30, "{b}: one line per cancellation");
}

// ------------------------------------------------------------------------------------------------
// Second requests and offers in approval classes
// ------------------------------------------------------------------------------------------------

/// After a refused late cancellation the person may ask again; the coordinator must see the new
/// request, and the person the new decision.
async fn a_renewed_late_cancellation_reaches_the_coordinator_again(store: Store) {
    let Some(w) = world(store).await else { return };
    let b = w.b();
    let coord = w.coordinator(90, "Coordinator Wang", "xinan", Lang::En).await;
    let people = fill_small_class(&w, 100, 0).await;
    let [(a, a_order), _] = &people[..] else { unreachable!() };
    let requests = |msgs: Vec<Queued>| -> Vec<Queued> {
        msgs.into_iter().filter(|m| m.callbacks().contains(&format!("ol:{}", a_order.id).as_str())).collect()
    };

    w.clock.set(beijing("2026-12-19T12:00:00"));
    assert!(matches!(w.act(a, OrderAction::ConfirmCancel(a_order.id)).await, ActionOutcome::CancelRequested(_)));
    assert_eq!(requests(w.inbox_of(&coord, "coordinator").await).len(), 1, "{b}");
    done(w.act(&coord, OrderAction::RefuseCancel(a_order.id)).await, "refuse");
    assert_eq!(w.inbox_of(a, "notice").await.len(), 1, "{b}: told of the refusal");

    // Things change; an hour later A asks again.
    w.clock.advance(Duration::hours(1));
    let again = match w.act(a, OrderAction::ConfirmCancel(a_order.id)).await {
        ActionOutcome::CancelRequested(order) => order,
        other => panic!("{b}: expected CancelRequested, got {other:?}"),
    };
    assert_eq!(again.cancel_requested_at, Some(w.app.now()), "{b}");
    let second = requests(w.inbox_of(&coord, "coordinator").await);
    assert_eq!(second.len(), 2, "{b}: the coordinator sees the new request");
    assert_eq!(second[1].callbacks(), vec![format!("ol:{}", a_order.id), format!("of:{}", a_order.id)], "{b}");

    done(w.act(&coord, OrderAction::AllowCancel(a_order.id)).await, "allow");
    assert_eq!(w.status(a_order.id).await, OrderStatus::Cancelled, "{b}");
    let notices = w.inbox_of(a, "notice").await;
    assert_eq!(notices.len(), 2, "{b}: told of the second decision too: {notices:?}");
    assert_ne!(notices[0].text, notices[1].text, "{b}");
}

/// A waitlisted person who takes a seat in a class that needs approval is pending again; the
/// coordinator must get the Approve / Reject line, or the order waits (holding the seat) forever.
async fn a_seat_taken_from_the_waitlist_of_an_approval_class_reaches_the_coordinator(store: Store) {
    let Some(w) = world(store).await else { return };
    let b = w.b();
    let coord = w.coordinator(90, "Coordinator Wang", "xinan", Lang::En).await;
    let capacity = orders::class_info(&w.app, HOUSEKEEPING).await.unwrap().unwrap().class.capacity;
    let mut pending = Vec::new();
    for i in 0..capacity {
        let p = w.villager(100 + i, &nth("Villager", i)).await;
        let (order, _) = w.placed(&p, HOUSEKEEPING).await;
        assert_eq!(order.status, OrderStatus::PendingApproval, "{b}");
        pending.push(order);
    }
    let late = w.villager(500, "Wang Fang").await;
    let (order, position) = w.placed(&late, HOUSEKEEPING).await;
    assert_eq!((order.status, position), (OrderStatus::Waitlisted, Some(1)), "{b}");

    done(w.act(&coord, OrderAction::Reject(pending[0].id)).await, "reject one");
    assert_eq!(w.status(order.id).await, OrderStatus::Offered, "{b}");
    let accepted = done(w.act(&late, OrderAction::AcceptOffer(order.id)).await, "accept");
    assert_eq!(accepted.status, OrderStatus::PendingApproval, "{b}: still needs approval");

    let decisions: Vec<Queued> = w
        .inbox_of(&coord, "coordinator")
        .await
        .into_iter()
        .filter(|m| m.callbacks().contains(&format!("oa:{}", order.id).as_str()))
        .collect();
    assert_eq!(decisions.len(), 1, "{b}: the coordinator is asked to approve the order taken from the waitlist");
    assert_eq!(decisions[0].callbacks(), vec![format!("oa:{}", order.id), format!("or:{}", order.id)], "{b}");
    assert!(decisions[0].text.contains("Wang Fang") && decisions[0].text.contains(order.number.as_str()), "{b}");
    done(w.act(&coord, OrderAction::Approve(order.id)).await, "approve");
    assert_eq!(w.status(order.id).await, OrderStatus::Confirmed, "{b}");
}
