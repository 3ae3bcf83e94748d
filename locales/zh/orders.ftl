# 订单状态
status-pending-approval = 等待审批
status-confirmed = 已确认
status-waitlisted = 候补中
status-offered = 有空位，等您确认
status-attended = 已参加
status-completed = 已结业
status-cancelled = 已取消
status-rejected = 未通过审批
status-no-show = 缺席

# 候补
offer-seat =
    好消息！{ $class }空出一个名额，给您留着。
    订单号：{ $number }
    请在 { $hours } 小时内点“我要这个名额”，过时名额会让给下一位。
btn-accept-offer = ✅ 我要这个名额
btn-decline-offer = 不要了
offer-expired = { $class }的名额（订单 { $number }）您没有在规定时间内确认，已经过期，让给了下一位。想参加可以重新报名。

# 审批与取消
order-approved = 您报名的{ $class }已通过审批（订单 { $number }）。上课前会提醒您。
order-rejected = 抱歉，您报名的{ $class }没有通过审批（订单 { $number }）。可以看看其他课程，或联系培训办{ $contact ->
        [none] 。
       *[other] ：{ $contact }
    }
cancel-allowed = 培训办已同意取消您{ $class }的报名（订单 { $number }）。
cancel-refused = 培训办没有同意取消{ $class }的报名（订单 { $number }），报名仍然有效。有问题请联系培训办{ $contact ->
        [none] 。
       *[other] ：{ $contact }
    }

# 给培训办
coord-line-order = 📝 新报名：{ $name }（{ $village }）— { $course }，班次 { $class }，已报 { $taken }/{ $total }，{ $status }，订单 { $number }
coord-line-cancelled = ↩️ 取消报名：{ $name } — { $class }，订单 { $number }
coord-line-offered = 🔁 候补递补：名额已留给 { $name }，订单 { $number }
coord-cancel-request = ⚠️ { $name } 在截止时间后申请取消{ $class }的报名（订单 { $number }），是否同意？
btn-approve = ✅ 批准
btn-reject = ❌ 拒绝
btn-allow-cancel = 同意取消
btn-refuse-cancel = 不同意

# 主菜单
menu-browse = 📚 报名培训
menu-my-courses = 📋 我的课程
menu-request = 🙋 我想学
cmd-courses = 浏览课程、报名
cmd-my = 我的课程和订单

# 浏览
browse-choose-category = 想学哪一类？
browse-category-button = { $category }（{ $count } 门）
browse-nothing-offered = 现在没有可以报名的课程。您可以告诉我们想学什么（点单）。
browse-category-title = { $category }（第 { $page }/{ $pages } 页）：
btn-request-course = 🙋 没有想学的？点单
btn-prev-page = ⬅️ 上一页
btn-next-page = 下一页 ➡️
course-mode = 方式：{ $mode }
course-trainer = 老师：{ $name }（{ $title }）
course-bring = 请带：{ $items }
course-needs-approval = 这门课需要培训办审批，报名后请等通知。
course-choose-class = 请选择班次：
course-no-classes = 这门课目前没有可报名的班次。
class-seats-left = 剩 { $n } 个名额
class-full-waitlist = 已满，可候补

# 订单
order-summary-title = 请核对您的报名：
summary-course = 课程：{ $course }
summary-place = 地点：{ $place }
summary-sessions = 上课时间：
btn-confirm-order = ✅ 确认报名
order-confirmed =
    报名成功！
    订单号：{ $number }
    上课前一天晚上和开课前会提醒您。要取消请到“我的课程”。
order-pending =
    报名已提交，正在等培训办审批。
    订单号：{ $number }
    审批结果会发消息告诉您。
order-waitlisted =
    这个班已经满了，您已排在候补第 { $position } 位。
    订单号：{ $number }
    有人取消时会马上通知您。
order-already = 您已经报过这个班了：订单 { $number }（{ $status }）。
order-waitlist-position = 候补第 { $position } 位
order-class-closed = 这个班次已经停止报名。请看看其他班次。
order-class-started = 这个班次已经开课，不能再报名了。请看看其他班次。
btn-my-courses = 📋 我的课程
btn-browse = 📚 去报名

# 我的课程
my-courses-empty = 您还没有报名任何课程。
my-courses-title = 您的课程：
my-courses-order =
    📘 { $class }
    订单 { $number } · { $status }
my-courses-cancel-requested = 已申请取消，等培训办处理
btn-cancel-order = ❌ 取消 { $date } · { $place }
order-now = 这个订单现在是：{ $status }。
cancel-confirm = 确定要取消{ $class }的报名吗？（订单 { $number }）
btn-yes-cancel = 确定取消
btn-keep-order = 不取消
cancel-done = 订单 { $number } 已取消：{ $class }。
cancel-requested = 离开课时间太近了，不能直接取消。已把您的取消申请（订单 { $number }）发给培训办，会通知您结果。
cancel-already-requested = 订单 { $number } 的取消申请已经发给培训办了，请等通知。
offer-declined = 好的，订单 { $number } 已取消，名额会让给下一位。
offer-gone = 这个名额已经不再为您保留（可能已过期或已处理）。
decision-done = 已处理：订单 { $number } 现在是“{ $status }”。
decision-already = 订单 { $number } 已经处理过了，现在是“{ $status }”。
not-allowed = 您没有权限做这件事。

# 点单
request-choose-topic = 想学什么？选一个，或者打字告诉我们：
btn-request-type = ✏️ 其他，我打字说
request-type-topic =
    请打字告诉我们您想学什么。
    例如：葡萄种植
request-topic-unclear = 没看懂您想学什么。请用几个字说一下，例如：葡萄种植
request-topic-too-long = 说得简短一些吧（最多 30 个字），例如：葡萄种植
request-recorded = 您所在的乡镇已有 { $count } 人想学这个。人数够了，培训办会安排课程。
request-already = 您已经点过这个了。您所在的乡镇现在有 { $count } 人想学。
request-no-village = 请先在“设置”里选好您所在的村，这样才能按乡镇统计。
requests-none = 您负责的地区还没有人点单。
requests-title = 点单统计（达到 { $threshold } 人会通知您）：
requests-line = { $township } · { $topic }：{ $count } 人
coord-request-threshold = 📣 { $township } 已有 { $count } 人想学“{ $topic }”，可以考虑开班。

# 课程卡片、班次、我的课程（补充）
course-cost-line = 费用：{ $cost }
course-credits-line = 学分：{ $credits }
class-button = { $place } · { $date } · { $seats }
my-courses-next = 下次上课：{ $when } · { $place }
my-courses-sessions-over = 课程已结束
cmd-requests = 点单统计（培训办）
order-not-for-you = 这个班次不适合您报名，请从“报名培训”里选择。
class-label = “{ $course }”（{ $date } · { $place }）
status-offer-expired = 名额已过期
my-courses-none-current = 您现在没有要上的课。
my-courses-past-title = 已结束的：
cancel-done-passed-on = 订单 { $number } 已取消：{ $class }。名额已经让给了候补的人。
cancel-nobody-to-ask = 离开课时间太近了，不能直接取消；可这个地区现在没有培训办的人能处理取消申请，所以没有发出。订单 { $number } 仍然有效。请直接联系培训办{ $contact ->
        [none] 。
       *[other] ：{ $contact }
    }
cancel-class-ended = 这门课已经结束了（订单 { $number }），没有可以取消的。
order-nobody-to-approve = 注意：这个地区现在还没有能审批的培训办负责人，审批可能要等一段时间。需要时请直接联系培训办{ $contact ->
        [none] 。
       *[other] ：{ $contact }
    }
summary-sessions-places = 上课时间和地点：
