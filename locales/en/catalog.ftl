# Course catalogue: categories, teaching modes, cost, credits, trainer kinds

category-crops-livestock = Crops and livestock
category-rural-tourism = Rural tourism
category-housekeeping-eldercare = Housekeeping and elder care
category-ecommerce-livestream = E-commerce and livestreaming
category-trades = Trades (electrician, welder)
category-cooking = Cooking
category-policy = Policy and law
category-policy-interpretation = Policy interpretation
category-industry-planning = Industry planning
category-project-management = Project management
category-public-work = Working with the public
category-case-studies = Case studies

mode-classroom = Classroom
mode-field = Field teaching
mode-village = In your village
mode-online = Online

course-cost-free = Free (government-funded)
course-cost-yuan = { $yuan } yuan
course-credits = { $n ->
        [one] { $credits } credit
       *[other] { $credits } credits
    }
trainer-kind-expert = University expert
trainer-kind-industry = Industry practitioner
trainer-kind-local = Local farming expert
