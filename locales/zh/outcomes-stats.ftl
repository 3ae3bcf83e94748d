# /outcomes 的区间、失访和对比组

# 95% 区间：10 人以上才给
outcomes-share-interval = { $percent }%（N={ $n }，大约在 { $low }% 到 { $high }% 之间）
outcomes-yuan-interval = { $value } 元（N={ $n }，大约在 { $low } 到 { $high } 元之间）

# 谁没回答（按基线人均收入三等分、按是否结业）
outcomes-response-by = 应答：基线收入低的三分之一 { $low }，中间的 { $middle }，高的 { $high }；结业的 { $completed }，没结业的 { $not_completed }
outcomes-response-no-income = ；没答基线收入的 { $counts }
outcomes-response-count = { $answered }/{ $sent }
outcomes-band-low = 基线收入低的三分之一
outcomes-band-middle = 基线收入中间的三分之一
outcomes-band-high = 基线收入高的三分之一
outcomes-band-completed = 结业的人
outcomes-attrition-gap = ⚠️ 答了的人和没答的人不一样：{ $what }在答了的人里占 { $answered }%，在没答的人里占 { $unanswered }%，上面的收入和就业数字可能偏高或偏低。

# 对比组：报了名、答了基线但没来上课的人
outcomes-comparison = 对比（不是随机分组）：报了名、答了基线但没来上课的人（回访应答 { $answered }/{ $due }），同期人均年纯收入变化 { $figure }；来上课的人 { $attendees }。两组人本来就可能不一样，差别不全是培训带来的。

outcomes-intervals-note = “大约在…之间”是 95% 区间，10 人以上才给：比例用 Wilson 法，收入中位数用自助法（2000 次重抽样，固定种子 { $seed }），用导出的表格能算出一样的结果。

# 导出表格
outcomes-csv-attendance = 出勤
outcomes-csv-attendance-attended = 来上过课
outcomes-csv-attendance-absent = 报名没来
outcomes-csv-attendance-cancelled = 报名后取消
outcomes-csv-attendance-pending = 还没结课

# 给没来上课的人的回访
survey-comparison-invite = 📋 您报过名的“{ $course }”培训结束 { $months } 个月了。虽然您没来上课，也想问问您家这段时间的收入和工作（约 1 分钟），好和上了课的人比一比，看培训到底有没有用。不想答可以在“设置”里关掉回访。
survey-comparison-nudge = 📋 提醒：“{ $course }”培训的 { $months } 个月回访（没来上课的人也问）还没有回答，有空时点下面按钮就行（约 1 分钟）。
survey-q-industry-comparison = 这段时间，您家的产业（种养、经营）有什么变化？
