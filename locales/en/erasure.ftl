# Erasing your data (/deleteme) and consent versions

cmd-deleteme = Erase my data: your name, phone and what you typed, all wiped
settings-deleteme = 🗑 Erase my data
help-data =
    Your data:
    /mydata see what we store about you   /deleteme erase your data

erase-explain =
    🗑 Erasing your data

    After erasing:
    • Your name, phone number, what you typed (comments, what you wanted to learn) and your Telegram account are wiped and cannot be brought back.
    • Orders for classes not yet begun are cancelled ({ $orders } now) and the seats go to people on the waiting list.
    • Your certificates are revoked ({ $certificates } now): anyone checking one sees "revoked at the holder's request".
    • Your job referrals are deleted too and you leave the training office's lists; for the name and phone an employer already has, tell the employer directly.
    • Messages not yet sent to you are not sent.
    • Only figures that do not say who you are stay: classes attended, household size and income in surveys, used for county totals. They can no longer be matched to your name.

    Erasing cannot be undone. To take courses again later, send /start and register anew.

    Do you want to erase your data?
btn-erase-confirm = Yes, erase
btn-erase-cancel = Cancel
# The word typed for the second confirmation
erase-word = DELETE
erase-ask-word =
    Last check: type the word "{ $word }" and send it.

    To keep your data, press "Cancel" or send /cancel.
erase-reask-press = Please press one of the buttons above: "Yes, erase" or "Cancel".
erase-reask-word =
    That is not "{ $word }", so nothing was erased.
    To erase, type "{ $word }"; to keep your data, press "Cancel".
erase-reask-need-word =
    This step needs typing. To erase, type "{ $word }"; to keep your data, press "Cancel".
erase-cancelled = All right, nothing was erased; your data is still here.
erase-done =
    ✅ Done. Your name, phone number and what you typed are wiped{ $orders ->
        [0] {""}
        [one] , your order cancelled
       *[other] , { $orders } orders cancelled
    }{ $certificates ->
        [0] {""}
        [one] , your certificate revoked
       *[other] , { $certificates } certificates revoked
    }.
    To take courses again later, send /start and register anew.
erase-not-registered = We store nothing about you: there is nothing to erase.

# Certificate check after the holder asked for erasure
verify-revoked = ❌ Certificate { $code } is revoked: the holder asked for their data to be erased ({ $date }).

# The consent text changed: asked again
consent-renew =
    Field School's terms have changed; please read them again:

    { $changes }

    { $consent }
consent-changes =
    What changed:
    • New: in Settings, "📄 My data" (or /mydata) shows and sends you everything we store about you.
    • New: in Settings, "🗑 Erase my data" (or /deleteme) erases your data; only figures that do not say who you are stay.
    • Not agreeing means your data is erased.
consent-renewed = Thank you: your agreement to the new terms is recorded.
consent-declined = You do not agree to the new terms, so we will erase your data. Please read below and confirm.
