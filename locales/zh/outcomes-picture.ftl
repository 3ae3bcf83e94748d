# /outcomes 的收入对比图（人均年纯收入，培训前后配对）
outcomes-picture-title = { $scope }：人均年纯收入，培训前 vs 培训后（{ $counts }）
outcomes-picture-count = { $months }个月后 N={ $n }
outcomes-picture-count-separator = ；
outcomes-picture-before = 培训前
outcomes-picture-after = { $months }个月后
outcomes-picture-n = N={ $n }（{ $n }人）
outcomes-picture-y = 人均年纯收入 · 元
outcomes-picture-caption = 📊 每个点是一户的人均年纯收入（家庭年纯收入 ÷ 家庭人口）。同一户培训前和回访时用线连起来：绿线是增加了，橙线是减少了；黑色短横线是中位数。只画培训前和回访都答了收入和人口的人，每人算一次；不足 5 人的回访不画。
