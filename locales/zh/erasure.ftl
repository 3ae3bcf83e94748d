# 删除我的信息（/deleteme）和同意书版本

cmd-deleteme = 删除我的信息：姓名、手机号和您打的字全部抹掉
settings-deleteme = 🗑 删除我的信息
help-data =
    您的信息：
    /mydata 看看我们保存了您哪些信息　/deleteme 删除您的信息

erase-explain =
    🗑 删除您的信息

    删除以后：
    • 您的姓名、手机号、您打过的字（评价、想学的内容）和您的 Telegram 账号，都会被抹掉，找不回来。
    • 还没上课的报名会取消（现在有 { $orders } 份），名额让给排队等候的人。
    • 您的结业证书会作废（现在有 { $certificates } 张）：别人再查验，会看到“本人要求撤销”。
    • 就业推荐也一起删掉，培训办的推荐名单上不再有您；已经交给用工方的姓名和电话，请直接跟用工方说。
    • 还没发给您的消息不再发。
    • 只留下不知道是谁的数字：上过几次课、问卷里的人数和收入等，用来算全县的培训效果。这些数字和您的名字再也对不上。

    删除了就不能恢复。以后想再参加培训，发送 /start 重新登记就行。

    确定要删除吗？
btn-erase-confirm = 确认删除
btn-erase-cancel = 取消
# 第二次确认时要打的字
erase-word = 删除
erase-ask-word =
    最后确认：请打字输入“{ $word }”，然后发送。

    不删了，请点“取消”或发送 /cancel。
erase-reask-press = 请点上面的按钮：“确认删除”，或者“取消”。
erase-reask-word =
    您发的不是“{ $word }”，所以还没有删除。
    要删除，请打字输入“{ $word }”；不删了，请点“取消”。
erase-reask-need-word =
    这一步要打字。要删除，请打字输入“{ $word }”；不删了，请点“取消”。
erase-cancelled = 好的，没有删除，您的信息都还在。
erase-done =
    ✅ 已经删除了。您的姓名、手机号和您打过的字都已抹掉{ $orders ->
        [0] {""}
       *[other] ，{ $orders } 份报名已取消
    }{ $certificates ->
        [0] {""}
       *[other] ，{ $certificates } 张证书已作废
    }。
    以后想再参加培训，发送 /start 重新登记。
erase-not-registered = 我们没有保存您的信息，不需要删除。

# 证书查验：持证人要求删除后
verify-revoked = ❌ 证书 { $code } 已作废：持证人本人要求删除信息，{ $date } 撤销。

# 同意书更新了：再问一次
consent-renew =
    田间学校的说明更新了，请再看一下：

    { $changes }

    { $consent }
consent-changes =
    这次改了什么：
    • 新增：在“设置”里点“📄 我的数据”（或发送 /mydata），可以看到并下载我们保存的您的全部信息。
    • 新增：在“设置”里点“🗑 删除我的信息”（或发送 /deleteme），可以删除您的信息；只留下不知道是谁的统计数字。
    • 不同意，就表示要删除您的信息。
consent-renewed = 谢谢，已记录您同意新的说明。
consent-declined = 您不同意新的说明，那我们就删除您的信息。请看下面的说明再确认。
