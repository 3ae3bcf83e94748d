//! The audit log (issue 13), end to end on SQLite and PostgreSQL: an identifiable export, a hand-marked
//! attendance and invite grants appear in `/audit` (as a list and a CSV) and in `fieldschool audit`; a
//! coordinator of one county does not see another county's entries; a trainee gets the same refusal as
//! for any staff command; the store refuses to change or remove an entry.

use crate::assert_shows;
use crate::common::{Store, TestBot, ZH, beijing, msg, tr, zh};
use fieldschool::db;
use fieldschool::db::audit::{AuditAction, AuditFilter};
use fieldschool::domain::person::{Role, RoleGrant};
use fieldschool::emulator::BotMessage;
use fieldschool::services;

async fn order(t: &TestBot, me: i64, class_label: &str) {
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    t.tap(me, class_label).await;
    let done = t.tap(me, "确认报名").await;
    assert_shows!(done.rendered_text(), ZH, "order-confirmed");
}

/// The next message to `user` that contains `needle`, passing over others (digests and notices come
/// on their own time).
async fn until(t: &TestBot, user: i64, needle: &str) -> BotMessage {
    loop {
        let m = t.next(user).await;
        if m.rendered_text().contains(needle) {
            return m;
        }
    }
}

/// `/audit` from `user`: the list and the CSV file that follows it.
async fn audit(t: &TestBot, user: i64) -> (String, String) {
    t.emu.send_text(user, "/audit");
    let list = until(t, user, "审计日志").await.rendered_text();
    let csv = loop {
        let m = t.next(user).await;
        if let Some((name, bytes)) = m.document {
            assert!(name.ends_with(".csv"), "{name}");
            break String::from_utf8(bytes).unwrap();
        }
    };
    (list, csv)
}

/// A registered cadre given `grant` directly (operator tooling).
async fn staff(t: &TestBot, id: i64, name: &str, role: Role, region: &str) -> i64 {
    let user = t.user(id, name, "zh-hans");
    t.register(user, name, "同意", "干部").await;
    let grant = RoleGrant { role, region_key: region.to_owned() };
    services::people::grant(&t.app, user, &grant).await.unwrap();
    user
}

/// `fieldschool audit ARGS` against the test's database: its standard output.
async fn cli(t: &TestBot, args: &[&str]) -> String {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("audit")
        .args(args)
        .env("DATABASE_URL", &t.app.db.url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

async fn scenario(store: Store) {
    let Some(t) = TestBot::start_with(store, |c| c.bot_username = Some("fieldschool_test_bot".into())).await else {
        return;
    };
    // Role grants through invites: a trainer, and a coordinator of 新安县 (xinan) through the chat.
    let teacher = t.trainer(940, "wang-lixin", "王立新").await;
    let invite = services::invites::create(&t.app, Role::Coordinator, Some("xinan"), None).await.unwrap();
    let coord_a = t.user(941, "刘主任", "zh-hans");
    let consent = t.say(coord_a, &format!("/start {}", invite.token)).await;
    assert_shows!(consent.rendered_text(), ZH, "reg-consent-staff");
    t.register_staff_rest(coord_a, "刘主任").await;
    // A coordinator of 千山县 (qianshan), and an admin.
    let coord_b = staff(&t, 942, "陈主任", Role::Coordinator, "qianshan").await;
    let admin = staff(&t, 943, "管理员", Role::Admin, "").await;

    // An identifiable export of 新安县's outcomes.
    t.say(coord_a, "/outcomes").await;
    t.tap(coord_a, "新安县").await;
    t.tap(coord_a, "全部课程").await;
    let export = t.tap(coord_a, "含姓名电话").await;
    assert!(export.document.is_some(), "a CSV: {}", export.rendered_text());

    // A hand-marked attendance: nobody opened check-in, the trainer marks 甲 present afterwards.
    let a = t.villager(944, "甲").await;
    order(&t, a, "张大姐家菇棚").await;
    t.clock.set(beijing("2026-12-20T11:31:00"));
    let ask = until(&t, teacher, "没有签到记录").await;
    let toggle = ask.buttons().find(|b| b.text.starts_with("甲")).and_then(|b| b.callback_data.clone()).unwrap();
    let id = t.emu.press(teacher, ask.message_id, &toggle);
    t.emu.callback_answer(&id).await.unwrap();
    t.settled().await;

    // What the store holds.
    let all = db::audit::list(&t.app.db, &AuditFilter::default()).await.unwrap();
    let of = |action: AuditAction| all.iter().filter(move |r| r.entry.action == action);
    let hand = of(AuditAction::HandMark).next().expect("the hand mark is audited");
    assert_eq!(hand.entry.actor, db::audit::Actor::User(teacher));
    assert_eq!(hand.entry.at, beijing("2026-12-20T11:31:00"));
    assert!(hand.entry.detail.contains(&format!("person={a}")) && hand.entry.detail.contains("present"));
    let export = of(AuditAction::Export).find(|r| r.entry.scope == "outcomes-csv").expect("the export is audited");
    assert_eq!(export.entry.actor, db::audit::Actor::User(coord_a));
    assert_eq!(export.entry.region_key.as_deref(), Some("xinan"));
    assert!(export.entry.detail.starts_with("identifiable"), "{}", export.entry.detail);
    let grants: Vec<_> = of(AuditAction::RoleGrant).map(|r| r.entry.actor).collect();
    for who in [teacher, coord_a] {
        assert!(grants.contains(&db::audit::Actor::User(who)), "{grants:?}");
    }
    assert_eq!(of(AuditAction::Invite).count(), 2, "two invite links were made");

    // The coordinator of 新安县 sees 新安县's entries, not 千山县's nor those about no region.
    let (list, csv) = audit(&t, coord_a).await;
    let user = |name: &str, id: i64| tr!(ZH, "audit-actor-user", name = name, id = id);
    assert!(list.contains(&zh("audit-title-region")), "{list}");
    assert!(list.contains(&zh("audit-action-hand-mark")) && list.contains(&user("王立新", 940)), "{list}");
    assert!(list.contains(&zh("audit-action-export")) && list.contains("outcomes-csv"), "{list}");
    assert!(list.contains(&zh("audit-action-role-grant")) && list.contains(&user("刘主任", 941)), "{list}");
    // (The invite for their region is theirs to see; the trainer's, about no region, is not.)
    assert!(list.contains("role:coordinator") && !list.contains("role:trainer"), "{list}");
    assert!(!list.contains("qianshan") && !list.contains("role=trainer"), "{list}");
    assert!(csv.starts_with('\u{feff}') && csv.contains("hand-mark") && csv.contains("outcomes-csv"), "{csv}");
    assert!(!csv.contains("qianshan"), "{csv}");
    // And the other county's coordinator sees theirs only.
    let (list, _) = audit(&t, coord_b).await;
    assert!(list.contains("qianshan") && list.contains("person:942"), "{list}");
    assert!(!list.contains("xinan") && !list.contains(&zh("audit-action-hand-mark")), "{list}");
    // The admin sees everything, invites and the retention runs included.
    let (list, csv) = audit(&t, admin).await;
    let actions = ["invite", "hand-mark", "export", "role-grant", "retention"];
    let mut needles: Vec<String> = actions.iter().map(|a| msg(ZH, &format!("audit-action-{a}"))).collect();
    needles.extend(["qianshan".to_owned(), "xinan".to_owned()]);
    for needle in needles {
        assert!(list.contains(&needle), "{needle} in {list}");
    }
    assert!(csv.contains("role=trainer via=invite"), "{csv}");

    // A trainee is refused as for any staff command, without a word about what exists.
    t.emu.send_text(a, "/parked");
    let not_allowed = zh("not-allowed");
    let parked = until(&t, a, &not_allowed).await.rendered_text();
    t.emu.send_text(a, "/audit");
    let refused = until(&t, a, &not_allowed).await.rendered_text();
    assert_eq!(refused, parked);
    assert!(refused.contains(&not_allowed), "{refused}");

    // `fieldschool audit` prints the same entries; --region and --since narrow them.
    let printed = cli(&t, &[]).await;
    for needle in ["\thand-mark\t", "\texport\t", "\trole-grant\t", "\tinvite\t", "identifiable all"] {
        assert!(printed.contains(needle), "{needle} in {printed}");
    }
    assert_eq!(printed.lines().count(), db::audit::list(&t.app.db, &AuditFilter::default()).await.unwrap().len());
    let county_b = cli(&t, &["--region", "qianshan"]).await;
    assert!(county_b.contains("person:942") && !county_b.contains("xinan"), "{county_b}");
    assert!(cli(&t, &["--since", "2026-12-20"]).await.contains("\thand-mark\t"));
    assert!(!cli(&t, &["--since", "2026-12-20"]).await.contains("\tinvite\t"));

    // Append-only: the store refuses to change or remove entries, whoever asks.
    let before = db::audit::list(&t.app.db, &AuditFilter::default()).await.unwrap();
    assert!(sqlx::query("UPDATE audit_log SET actor = 'nobody'").execute(&t.app.db.pool).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log WHERE action = 'hand-mark'").execute(&t.app.db.pool).await.is_err());
    assert_eq!(db::audit::list(&t.app.db, &AuditFilter::default()).await.unwrap(), before);
    t.stop().await;
}

#[tokio::test]
async fn audit_log_end_to_end_sqlite() {
    scenario(Store::Sqlite).await;
}

#[tokio::test]
async fn audit_log_end_to_end_postgres() {
    scenario(Store::Postgres).await;
}
