## Jobs after training (培训合格后推荐就业): the person's side — work intent, offers, 💼 找工作, consent

menu-jobs = 💼 找工作

reg-ask-intent = 最后一个问题：培训以后，您想找什么样的活？（点一个按钮；不想说就点“跳过”，以后可以在“⚙️ 设置”里改）
job-ask-intent-first = 先问一句：您想找什么样的活？点一个按钮，以后可以在“⚙️ 设置”里改。
job-intent-ask = 您想找什么样的活？点一个按钮：
job-intent-current = 现在选的是：{ $intent }
job-intent-saved = ✅ 记下了：{ $intent }
job-intent-unset = 还没选
settings-job-intent = 💼 就业意向：{ $intent }

job-offer-intro = 💼 有一份活适合您（您有这门培训的结业证书）：

btn-job-interested = 🙋 我感兴趣
btn-job-more = 💼 更多工作
btn-job-prev = ⬅ 上一页
btn-job-next = 下一页 ➡
btn-job-withdraw = 不去了：{ $employer }
btn-job-share-yes = ✅ 同意推荐
btn-job-share-no = 先不要
btn-job-phone = 📱 填写电话

job-browse-title = 💼 适合您的用工信息（第 { $page }/{ $pages } 页，共 { $count } 条）。点一条看详细：
job-browse-qualified-mark = ✅
job-browse-button = { $mark }{ $employer } · { $pay }
job-browse-empty = 现在还没有适合您的用工信息。先学一门手艺吧：点“{ $courses }”报名培训，拿到结业证书后，有合适的活我们会第一时间告诉您。
job-my-referrals = 📋 我的推荐：
job-my-referral-line = · { $employer }：{ $status }

job-consent = 🙋 您对“{ $employer }”的活感兴趣。
    如果您同意，我们会把下面这些交给用工方（{ $employer }），方便他们联系您：
    · 姓名：{ $name }
    · 村：{ $village }
    · 电话：{ $phone }
    · 证书：“{ $course }”结业证书（编号 { $code }）
    别的什么都不交。同意推荐吗？
job-share-declined = 好的，什么都没有交出去。想好了随时可以再点“🙋 我感兴趣”。
job-referred = ✅ 已经把您推荐给“{ $employer }”。
    用工方联系人：{ $contact }
    您可以直接打电话问。乡里（县里）的培训办也会跟进，过两个星期问问您去没去、成没成。
job-already-referred = 您已经推荐过“{ $employer }”了，现在的状态是：{ $status }。不用再点了。
job-closed-expired = 这份活已经过了报名截止日期，不再招人了。看看别的活吧。
job-closed-filled = 这份活已经招满了。看看别的活吧。
job-closed-closed = 这份活已经停止招人了。看看别的活吧。
job-not-qualified = 这份活要求有下面培训的结业证书：“{ $courses }”。您还没有。先报名学一学吧：
job-no-phone = 用工方要打电话联系您，可是您还没有留电话。请先在设置里填上电话，再点“🙋 我感兴趣”。
job-gone = 这条用工信息已经没有了。
