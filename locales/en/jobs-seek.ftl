## Jobs after training: the person's side — work intent, offers, 💼 Find work, consent

menu-jobs = 💼 Find work

reg-ask-intent = One last question: after the training, what work are you looking for? (Tap a button; tap "Skip" if you'd rather not say. You can change it later in "⚙️ Settings".)
job-ask-intent-first = First, one question: what work are you looking for? Tap a button; you can change it later in "⚙️ Settings".
job-intent-ask = What work are you looking for? Tap a button:
job-intent-current = Your choice now: { $intent }
job-intent-saved = ✅ Saved: { $intent }
job-intent-unset = not chosen
settings-job-intent = 💼 Work I want: { $intent }

job-offer-intro = 💼 A job that suits you (you hold the certificate of this training):

btn-job-interested = 🙋 I'm interested
btn-job-more = 💼 More jobs
btn-job-prev = ⬅ Previous
btn-job-next = Next ➡
btn-job-withdraw = Not going: { $employer }
btn-job-share-yes = ✅ Yes, refer me
btn-job-share-no = Not now
btn-job-phone = 📱 Add my phone

job-browse-title = 💼 Jobs for you (page { $page } of { $pages }, { $count } in all). Tap one for details:
job-browse-qualified-mark = ✅
job-browse-button = { $mark }{ $employer } · { $pay }
job-browse-empty = There are no jobs for you right now. Learn a skill first: tap "{ $courses }" to sign up for a training; once you hold its certificate, we'll tell you as soon as a suitable job comes up.
job-my-referrals = 📋 My referrals:
job-my-referral-line = · { $employer }: { $status }

job-consent = 🙋 You're interested in the job at "{ $employer }".
    If you agree, we will give the employer ({ $employer }) these details so they can contact you:
    · Name: { $name }
    · Village: { $village }
    · Phone: { $phone }
    · Certificate: "{ $course }" (code { $code })
    Nothing else. Shall we refer you?
job-share-declined = All right, nothing was shared. You can tap "🙋 I'm interested" again whenever you like.
job-referred = ✅ You have been referred to "{ $employer }".
    The employer's contact: { $contact }
    You can call them directly. The training office will follow up in two weeks to ask how it went.
job-already-referred = You were already referred to "{ $employer }"; its status now: { $status }. No need to tap again.
job-closed-expired = This job's closing date has passed; it no longer takes people. Have a look at the others.
job-closed-filled = This job is filled. Have a look at the others.
job-closed-closed = This job no longer takes people. Have a look at the others.
job-not-qualified = This job asks for the certificate of: “{ $courses }”. You don't hold it yet. Sign up to learn it first:
job-no-phone = The employer needs to call you, but you have not left a phone number. Please add it in settings first, then tap "🙋 I'm interested" again.
job-gone = This job is no longer listed.
