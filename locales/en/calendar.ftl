# Farm calendar: the 24 solar terms, busy seasons, daily quiet hours
calendar-title = Farm calendar { $year }: { $region }
calendar-zone-line = Zone: { $zone } (time zone { $tz })
calendar-terms-heading = The 24 solar terms
calendar-term-line = { $term }  { $date }
calendar-busy-heading = Busy farming seasons
calendar-busy-line = { $season }: { $from } to { $to } ({ $days ->
        [one] 1 day
       *[other] { $days } days
    })
calendar-busy-none = (none)
calendar-quiet-line = Quiet hours (no messages): { $range }
calendar-busy-windows-line = In busy seasons, messages only at: { $windows }

calendar-term-xiaohan = Minor Cold (Xiaohan)
calendar-term-dahan = Major Cold (Dahan)
calendar-term-lichun = Start of Spring (Lichun)
calendar-term-yushui = Rain Water (Yushui)
calendar-term-jingzhe = Awakening of Insects (Jingzhe)
calendar-term-chunfen = Spring Equinox (Chunfen)
calendar-term-qingming = Clear and Bright (Qingming)
calendar-term-guyu = Grain Rain (Guyu)
calendar-term-lixia = Start of Summer (Lixia)
calendar-term-xiaoman = Grain Buds (Xiaoman)
calendar-term-mangzhong = Grain in Ear (Mangzhong)
calendar-term-xiazhi = Summer Solstice (Xiazhi)
calendar-term-xiaoshu = Minor Heat (Xiaoshu)
calendar-term-dashu = Major Heat (Dashu)
calendar-term-liqiu = Start of Autumn (Liqiu)
calendar-term-chushu = End of Heat (Chushu)
calendar-term-bailu = White Dew (Bailu)
calendar-term-qiufen = Autumn Equinox (Qiufen)
calendar-term-hanlu = Cold Dew (Hanlu)
calendar-term-shuangjiang = Frost's Descent (Shuangjiang)
calendar-term-lidong = Start of Winter (Lidong)
calendar-term-xiaoxue = Minor Snow (Xiaoxue)
calendar-term-daxue = Major Snow (Daxue)
calendar-term-dongzhi = Winter Solstice (Dongzhi)

calendar-season-sanxia = Summer harvest and sowing (Sanxia)
calendar-season-sanqiu = Autumn harvest and sowing (Sanqiu)
calendar-season-spring-transplanting = Spring rice transplanting
calendar-season-shuangqiang = Double rush: early rice harvest, late rice planting (Shuangqiang)
calendar-season-autumn-harvest-winter-sowing = Autumn harvest and winter sowing
calendar-season-early-rice-transplanting = Early rice transplanting
calendar-season-late-rice-harvest = Late rice harvest
calendar-season-spring-tea = Spring tea picking
calendar-season-spring-sowing = Spring sowing
calendar-season-autumn-harvest = Autumn harvest
calendar-season-summer-harvest = Summer harvest

calendar-zone-north-wheat-maize = North China winter wheat and summer maize
calendar-zone-yangtze-rice = Middle and lower Yangtze rice
calendar-zone-south-double-rice = South China double-crop rice
calendar-zone-southwest-mountain = Southwest mountains
calendar-zone-northeast-single = Northeast single crop
calendar-zone-northwest-dry = Northwest dryland
