# The income picture of /outcomes (net income per head, before and after, paired per person)
outcomes-picture-title = { $scope }: net income per head, before vs after training ({ $counts })
outcomes-picture-count = { $months } months on N={ $n }
outcomes-picture-count-separator = {"; "}
outcomes-picture-before = Before
outcomes-picture-after = { $months } months on
outcomes-picture-n = N={ $n } ({ $n } people)
outcomes-picture-y = Net income per head a year · yuan
outcomes-picture-caption = 📊 Each dot is one household's yearly net income per head (household net income ÷ household size). A line joins the same household before training and at the follow-up: green if it rose, orange if it fell; the short black bar is the median. Only people who gave income and household size both at baseline and at the follow-up are drawn, each once; follow-ups with fewer than 5 are not drawn.
