## Jobs after training: the coordinator's referral lists, statuses, follow-up, card and CSV

refer-no-openings = 您负责的地区还没有用工信息。
refer-openings-title = 💼 用工信息（{ $count } 条，最新的在前）：
refer-openings-more = 只列出最新的 { $shown } 条，共 { $count } 条。
refer-opening-counts = { $state } · 推荐 { $referred } · 面试 { $interviewed } · 录用 { $hired }/{ $seats }
refer-state-open = 🟢 招人中
refer-state-expired = ⏰ 已过截止日期
refer-state-filled = ✅ 已招满
refer-state-closed = 🔒 已关闭
btn-refer-list = 📋 { $n }. 推荐名单（{ $referred }）
btn-refer-close = 🔒 { $n }. 关闭（不再推荐新人）
refer-close-ask = 确定要关闭“{ $employer }”吗？关闭以后不再推送给农户，也不再接受新的报名，不能再打开。已经推荐的人不受影响。
btn-refer-close-confirm = 🔒 确认关闭
btn-refer-close-keep = 不关了
refer-close-already = 这条用工信息已经关闭了。
refer-closed = 🔒 已关闭“{ $employer }”：不再推送给农户，也不再接受新的报名。已经推荐的人不受影响，名单照常可以查看和登记结果。

refer-list-title = 📋 “{ $employer }”的推荐名单
    { $counts }
refer-list-empty = 还没有人被推荐。
refer-list-footer = 共 { $count } 人，下面每人一条，可一键登记结果。给不用微信/Telegram 的用工方，可点“导出表格”或每人的“名片”。
refer-list-more = 下面只列出前 { $shown } 人，表格里有全部。
refer-entry-name = 👤 { $name }（{ $village }）
refer-entry-phone = 📱 { $phone }
refer-entry-no-phone = 📱 未留电话
refer-entry-certificate = 🎓 { $course } · 证书 { $code }
refer-entry-status = 状态：{ $status }（{ $since } 起）
btn-refer-card = 🖨 名片
btn-refer-csv = 📄 导出表格 CSV

refer-changed = 已改为：{ $status }
refer-already = 已经是“{ $status }”了。
refer-outdated = 这条消息已经过时了：现在是“{ $status }”，没有改。
refer-lost = 刚刚已被别人改为“{ $status }”，没有再改。
refer-settled = 结果已登记为“{ $status }”。如有变化，请联系培训办{ $contact ->
    [none] 。
   *[other] ：{ $contact }
}

refer-line-person-status = 💼 { $name } 告诉我们：去“{ $employer }”的结果是“{ $status }”。

refer-follow-up = 💼 两周前，您同意把信息推荐给“{ $employer }”。现在怎么样了？点一个告诉我们：
refer-answer-interviewed = 已面试，等结果
refer-answer-hired = 被录用了
refer-answer-not_hired = 没被录用
refer-answer-withdrew = 我不去了
refer-person-hired = 🎉 恭喜！已记下：您被“{ $employer }”录用了。祝工作顺利！
refer-person-interviewed = 好的，已记下：您已去“{ $employer }”面试，在等结果。有结果了再点下面告诉我们。
refer-person-not-hired = 已记下。这次没成不要紧，有合适的用工信息我们还会告诉您。
refer-person-withdrew = 已记下：您不去了。有合适的用工信息我们还会告诉您。

refer-card-title = 田间学校 · 就业推荐卡
refer-card-opening = 推荐到：{ $employer } · { $work }
refer-card-village = 村：{ $village }
refer-card-phone = 电话：{ $phone }
refer-card-certificate = 证书：{ $course }（编号 { $code }）
refer-card-referred-on = 推荐日期：{ $date }
refer-card-footer = 培训办联系方式：{ $contact ->
    [none] 请问当地培训办
   *[other] { $contact }
}
refer-card-caption = 🖨 { $name } 的推荐卡，可打印或转给用工方。

refer-csv-file = 推荐名单
refer-csv-caption = 📄 “{ $employer }”的推荐名单（{ $count } 人）
refer-csv-name = 姓名
refer-csv-village = 村
refer-csv-phone = 电话
refer-csv-certificate = 证书编号
refer-csv-course = 培训课程
refer-csv-status = 状态
refer-csv-referred-on = 推荐日期
refer-csv-interviewed-on = 面试日期
refer-csv-settled-on = 结果日期

## /outcomes: the recorded referrals (not survey answers)
outcomes-referrals = 【推荐就业·培训办登记】推荐 { $referrals } 人次（{ $people } 人）
outcomes-referrals-interviewed = 已面试：{ $count }/{ $n } 人次，{ $rate }
outcomes-referrals-hired = 已录用：{ $count }/{ $n } 人次（{ $people } 人，即“通过推荐就业”的登记人数），{ $rate }
outcomes-referrals-none = 【推荐就业·培训办登记】暂无推荐记录
outcomes-referrals-csv-file = 推荐就业
outcomes-referrals-csv-caption = 推荐就业登记 { $count } 行（每人每个岗位一行），上面的推荐、面试、录用人次都可以用它重新算出来。
outcomes-referrals-csv-opening = 岗位编号
outcomes-referrals-csv-employer = 用工单位
outcomes-referrals-csv-status = 推荐结果

## /mydata
mydata-work-intent = 💼 就业意向：{ $intent }
mydata-referrals = 💼 就业推荐 { $count } 条（您同意把姓名、村、电话和证书交给用工方）：
mydata-referral-line =   • { $employer }：{ $status }（{ $referred } 推荐，{ $updated } 更新）
