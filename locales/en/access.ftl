# Who sees what, and abuse (issue 13). One answer for every refusal, whether or not the thing exists.
access-not-allowed = You are not allowed to do that.
# Flood control: said at most once a minute to a chat that sends faster than the bot takes.
access-slow-down = You are sending messages very fast. Please wait a moment; the bot answers them in turn.
# Text typed with invisible control characters (copied from elsewhere): asked again.
access-control-characters = That text contains invisible control characters. Please type it again.
