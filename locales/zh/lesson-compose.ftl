## 老师在聊天里做微课（/lesson）：标题 → 主题 → 卡片 → 小题 → 给谁学 → 学分 → 预览 → 发布

cmd-lesson = 做一节微课（老师）
compose-ask-title =
    📝 做一节微课。先写课的标题（{ $max } 个字以内）。
    例如：香菇菌棒怎么补水
    随时发 /cancel 可以放弃。
compose-ask-topic = 这节课属于哪一类？请点一个：
compose-ask-first-card =
    现在发课的内容，一页一条消息，最多 { $max } 页。每页可以是：
    • 一段文字（{ $limit } 字以内），例如：菌棒失水后会变轻，要及时补水。
    • 一张照片（照片下面写的说明就是这一页的文字）
    • 一条语音
compose-card-saved = ✅ 第 { $count } 页收好了。
compose-ask-next-card = 接着发下一页（文字、照片或语音，最多 { $max } 页）；发完了就点“完成卡片”。
compose-cards-full = 已经 { $max } 页了，是最多的页数。请点“完成卡片”。
compose-btn-add-voice = 🎙 给这页配语音
compose-btn-skip-voice = 不配语音了
compose-btn-cards-done = ✅ 完成卡片
compose-ask-voice-version = 🎙 请发一条语音，把第 { $position } 页的文字读一遍。不方便看字的学员可以听。
compose-ask-question =
    ✏️ 第 { $position } 道小题（最多 { $max } 道），学员学完后回答。请写题目。
    例如：菌棒补水以后，要停水“养菌”几天？
compose-ask-options =
    请写 2 到 { $max } 个选项，一行一个，或一条消息一个。
    例如：
    1到2天
    5到7天
    一个月
compose-options-so-far = 已有 { $count } 个选项：
compose-ask-more-options = 再发一个选项（最多 { $max } 个）；写完了就点“选项写完了”。
compose-btn-options-done = ✅ 选项写完了
compose-ask-right = 哪个是对的？请点正确答案。
    题目：{ $question }
compose-ask-explanation =
    正确答案：{ $right }
    请写一句为什么，学员答完就能看到。
    例如：停水让菌丝恢复，再补水就不容易烂棒。
compose-question-saved = ✅ 第 { $count } 道小题收好了（最多 { $max } 道）。
compose-btn-another-question = ➕ 再加一题
compose-btn-questions-done = ✅ 完成
compose-ask-audience = 这节课给谁学？
compose-audience-villager = 农户
compose-audience-cadre = 基层干部
compose-audience-both = 农户和干部
compose-ask-credits = 干部学完这节课记多少学分？
compose-btn-credits = { $credits } 学分
compose-preview-intro = 👀 预览：学员收到的第一页是这样的——
compose-summary = 📖 共 { $cards } 页，{ $questions } 道题
compose-summary-who = 类别：{ $topic } · 给：{ $audience } · 干部学分：{ $credits }
compose-summary-question = { $position }. { $text }（答案：{ $right }）
compose-btn-publish = 🚀 发布
compose-btn-edit = ✏️ 修改…
compose-btn-abandon = 🗑 放弃
compose-ask-change = 要改哪一部分？改的那部分要重新做，其他的保留。
compose-part-title = 标题
compose-part-topic = 类别
compose-part-cards = 卡片（全部重发）
compose-part-questions = 小题（全部重写）
compose-part-audience = 给谁学、学分
compose-ask-abandon = 确定放弃这节课吗？放弃以后，已经做的内容都不保留。
compose-btn-abandon-yes = 是，放弃
compose-btn-abandon-no = 不，接着做
compose-abandoned = 已放弃，这节课没有发布。想再做，发 /lesson。
compose-untitled = （还没有标题）
compose-ask-resume = 您有一节没做完的课：{ $title }（已有 { $cards } 页）。
compose-btn-resume = ▶ 继续上次的草稿
compose-btn-restart = 🆕 重新开始
compose-published = 🎉 已发布：《{ $title }》。{ $audience }现在点“📖 学一课”就能学到。
compose-line-published = 📖 { $name } 发布了微课《{ $title }》（给：{ $audience }）。
compose-problem-need-text = 这一步需要打字回答。
compose-problem-empty = 内容是空的。
compose-problem-too-long = 太长了：您写了 { $length } 个字，最多 { $limit } 个字。请删短一些再发，或者分成两页。
compose-problem-not-a-card = 这个不能做成一页。每页只能是文字、照片或语音。
compose-problem-too-many-cards = 一节课最多 { $max } 页，这一页没有收。请点“完成卡片”接着出题。
compose-problem-no-cards = 还没有内容。请先发至少一页（文字、照片或语音）。
compose-problem-need-voice = 这里需要一条语音（按住话筒说话）。不想配了，就点“不配语音了”。
compose-problem-too-few-options = 选项至少要 2 个，现在有 { $have } 个。请再发选项。
compose-problem-too-many-options = 选项最多 { $max } 个，这样就有 { $have } 个了。请重新发，少写几个。
compose-problem-same-option = 有两个选项一样。每个选项要不一样。
compose-problem-too-many-questions = 一节课最多 { $max } 道小题。
compose-problem-use-buttons = 请点下面的按钮选择。
