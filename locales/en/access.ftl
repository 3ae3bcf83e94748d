# Who sees what, and abuse (issue 13). One answer for every refusal, whether or not the thing exists.
access-not-allowed = You are not allowed to do that.
# Flood control: said at most once a minute to a chat that sends faster than the bot takes.
access-slow-down = You are sending messages too fast; the last ones were not read. Please wait a moment, then send again.
