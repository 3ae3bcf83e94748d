//! Reading a household's yearly net income as villagers type it (`3万`, `三万五`, `３００００`, `35,000`,
//! `3.5w`, `8000块`…) and judging whether a value deserves a read-back before it is saved.
//!
//! The parser is strict where a wrong guess would distort the figures: a range (`2-3万`, `两三万`,
//! `3万多`) or a word (`很多`) is refused with a reason, so the bot can ask for one number with an
//! example that fits the mistake.

/// Why a text is not one income.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncomeError {
    /// Nothing typed.
    Empty,
    /// Words, letters or a shape of number we cannot read (`很多`, `abc`, `1e9`, `3万万`, `3万abc`).
    NotANumber,
    /// A minus sign (`-3000`, `负3000`): a loss year is entered as 0.
    Negative,
    /// Above [`MAX_YUAN`].
    TooLarge,
    /// More than one decimal point (`3..5万`) or more than four decimals.
    TooManyDecimals,
    /// A range or an estimate open upwards (`2-3万`, `2到3万`, `两三万`, `3万多`, `十几万`): ask for one number.
    Range,
}

/// Larger than any household income we expect to see typed; such input is a slip, not an answer.
pub const MAX_YUAN: i64 = 100_000_000;

/// Fixed-point scale: values are carried in ten-thousandths of a yuan, so `3.5555万` stays exact.
const SCALE: i128 = 10_000;
/// Decimals allowed after a point.
const MAX_DECIMALS: usize = 4;

/// Words before the number that only say "about" (`约3万`, `大概3万`); longest first.
const APPROX_PREFIXES: &[&str] =
    &["大约是", "大概是", "大约有", "大概有", "差不多", "大约", "大概", "估计", "将近", "接近", "大致", "约莫", "约"]; // parser data
/// Words after the number: "about", and the currency (`3万元`, `8000块`, `3万块钱左右`).
const SUFFIXES: &[&str] =
    &["左右", "上下", "的样子", "块钱", "元钱", "人民币", "rmb", "yuan", "块", "元", "圆", "吧", "。", "!"]; // parser data

/// A number as typed, in [`SCALE`] units.
#[derive(Debug, Clone, Copy)]
struct Number {
    value: i128,
    /// One bare digit (`5`, `五`): after a unit it abbreviates the next lower place (`三万五` = 35000).
    single: bool,
    /// Had a point: only a unit may follow (`3.5万`).
    decimal: bool,
    /// Chinese digits read one by one (`二〇〇〇〇`): a whole number, never multiplied by a unit.
    spelled: bool,
}

/// One piece of a number.
#[derive(Debug, Clone, Copy)]
enum Tok {
    Num(Number),
    /// A 零 after a unit (`一千零五`): the next digit counts as itself.
    Gap,
    /// 十 百 千 万 亿 (and w, k), in yuan.
    Unit(i128),
}

/// Reads one household income in whole yuan, rounding half up.
///
/// A bare digit after 万 is thousands and after 千 hundreds (`三万五`, `3万5` = 35000; `五千五` = 5500),
/// as people say it; after 零 it is itself (`三万零五` = 30005).
pub fn parse_yuan(text: &str) -> Result<i64, IncomeError> {
    let text = normalize(text);
    if text.is_empty() {
        return Err(IncomeError::Empty);
    }
    let core = strip_words(&text);
    const MINUS_WORD: char = '负'; // parser data
    let (negative, core) = match core.strip_prefix('-').or_else(|| core.strip_prefix(MINUS_WORD)) {
        Some(rest) => (true, rest),
        None => (false, core),
    };
    let result = parse_core(core);
    match result {
        Ok(v) if negative && v > 0 => Err(IncomeError::Negative),
        Err(IncomeError::TooLarge) if negative => Err(IncomeError::Negative),
        other => other,
    }
}

/// Full-width forms to ASCII (`３`, `．`, `，`, `－`, `Ｗ`), dashes to `-`, ASCII lower case, no spaces.
fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
            '\u{2212}' | '\u{2013}' | '\u{2014}' => '-',
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Drops leading "about" words and `¥`, and trailing "about" words and currency, in any order.
fn strip_words(mut text: &str) -> &str {
    loop {
        let before = text.len();
        text = text.trim_start_matches(['¥', '￥']);
        for p in APPROX_PREFIXES {
            if let Some(rest) = text.strip_prefix(p) {
                text = rest;
            }
        }
        for s in SUFFIXES {
            if let Some(rest) = text.strip_suffix(s) {
                text = rest;
            }
        }
        if text.len() == before {
            return text;
        }
    }
}

fn chinese_digit(c: char) -> Option<u8> {
    Some(match c {
        '〇' | '零' => 0,                      // parser data
        '一' | '壹' => 1,                      // parser data
        '二' | '两' | '兩' | '贰' | '貳' => 2, // parser data
        '三' | '叁' => 3,                      // parser data
        '四' | '肆' => 4,                      // parser data
        '五' | '伍' => 5,                      // parser data
        '六' | '陆' | '陸' => 6,               // parser data
        '七' | '柒' => 7,                      // parser data
        '八' | '捌' => 8,                      // parser data
        '九' | '玖' => 9,                      // parser data
        _ => return None,
    })
}

fn unit(c: char) -> Option<i128> {
    Some(match c {
        '十' | '拾' => 10,           // parser data
        '百' | '佰' => 100,          // parser data
        '千' | '仟' | 'k' => 1_000,  // parser data
        '万' | '萬' | 'w' => 10_000, // parser data
        '亿' | '億' => 100_000_000,  // parser data
        _ => return None,
    })
}

/// Marks of a range or an open estimate.
fn is_range_mark(c: char) -> bool {
    matches!(c, '-' | '~' | '至' | '到' | '或' | '/' | '多' | '几' | '+') // parser data
}

fn parse_core(text: &str) -> Result<i64, IncomeError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        // Only words were typed (`元`, `约`).
        return Err(IncomeError::NotANumber);
    }
    let mut any_number = false;
    let mut any_range = false;
    for &c in &chars {
        if c.is_ascii_digit() || chinese_digit(c).is_some() || unit(c).is_some() {
            any_number = true;
        } else if is_range_mark(c) {
            any_range = true;
        } else if !(c == ',' || c == '.') {
            return Err(IncomeError::NotANumber);
        }
    }
    if any_range {
        return Err(if any_number { IncomeError::Range } else { IncomeError::NotANumber });
    }
    let tokens = tokenize(&chars)?;
    let e4 = evaluate(&tokens)?;
    let yuan = (e4 + SCALE / 2) / SCALE;
    if yuan > i128::from(MAX_YUAN) {
        return Err(IncomeError::TooLarge);
    }
    i64::try_from(yuan).map_err(|_| IncomeError::TooLarge)
}

fn tokenize(chars: &[char]) -> Result<Vec<Tok>, IncomeError> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() || c == '.' || c == ',' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == ',') {
                i += 1;
            }
            tokens.push(arabic(&chars[start..i])?);
        } else if chinese_digit(c).is_some() {
            let start = i;
            while i < chars.len() && chinese_digit(chars[i]).is_some() {
                i += 1;
            }
            let digits: Vec<u8> = chars[start..i].iter().filter_map(|&c| chinese_digit(c)).collect();
            chinese_run(&digits, !tokens.is_empty(), &mut tokens)?;
        } else if let Some(u) = unit(c) {
            tokens.push(Tok::Unit(u));
            i += 1;
        } else {
            return Err(IncomeError::NotANumber);
        }
    }
    Ok(tokens)
}

/// `35,000`, `3.5`, `.5`: thousands separators must group by three.
fn arabic(run: &[char]) -> Result<Tok, IncomeError> {
    let s: String = run.iter().collect();
    if s.matches('.').count() > 1 {
        return Err(IncomeError::TooManyDecimals);
    }
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if s.contains('.') && frac.is_empty() {
        return Err(IncomeError::NotANumber);
    }
    if frac.contains(',') {
        return Err(IncomeError::NotANumber);
    }
    if frac.len() > MAX_DECIMALS {
        return Err(IncomeError::TooManyDecimals);
    }
    let groups: Vec<&str> = int.split(',').collect();
    if groups.len() > 1 && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return Err(IncomeError::NotANumber);
    }
    let digits: String = groups.concat();
    if digits.is_empty() && frac.is_empty() {
        return Err(IncomeError::NotANumber);
    }
    if digits.trim_start_matches('0').len() > 20 {
        return Err(IncomeError::TooLarge);
    }
    let int_value: i128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| IncomeError::TooLarge)? };
    let frac_value: i128 = format!("{frac:0<4}").parse().map_err(|_| IncomeError::NotANumber)?;
    Ok(Tok::Num(Number {
        value: int_value * SCALE + frac_value,
        single: digits.len() == 1 && groups.len() == 1 && frac.is_empty(),
        decimal: !frac.is_empty(),
        spelled: false,
    }))
}

/// A run of Chinese digits: one digit; 零 after a unit (a gap); digit by digit with a zero or three
/// digits or more (`二〇二〇〇` = 20200); two different digits together are a range (`两三万`, `七八千`).
fn chinese_run(digits: &[u8], after_something: bool, tokens: &mut Vec<Tok>) -> Result<(), IncomeError> {
    let mut digits = digits;
    if after_something && digits.len() > 1 && digits[0] == 0 {
        digits = &digits[1..];
        tokens.push(Tok::Gap);
    }
    if after_something && digits == [0] {
        tokens.push(Tok::Gap);
        return Ok(());
    }
    if digits.len() == 2 && !digits.contains(&0) {
        return Err(IncomeError::Range);
    }
    if digits.len() > 20 {
        return Err(IncomeError::TooLarge);
    }
    let value = digits.iter().fold(0i128, |acc, &d| acc * 10 + i128::from(d));
    let single = digits.len() == 1;
    tokens.push(Tok::Num(Number { value: value * SCALE, single, decimal: false, spelled: !single }));
    Ok(())
}

/// The sum the tokens spell, in [`SCALE`] units. Units go down from left to right, and whatever follows
/// a unit must be smaller than it (`3万12000` and `五十百` are refused).
fn evaluate(tokens: &[Tok]) -> Result<i128, IncomeError> {
    let overflow = || IncomeError::TooLarge;
    let mut total: i128 = 0;
    let mut section: i128 = 0;
    let mut section_has_number = false;
    let mut pending: Option<Number> = None;
    // The last unit applied, which bounds everything after it; and the last big unit (万, 亿).
    let mut limit: Option<i128> = None;
    let mut big_limit: Option<i128> = None;
    let mut gap = false;
    // After a decimal with its unit (`3.5万`) no further digits may follow.
    let mut closed = false;

    // Adds the pending number to the section; a bare digit right after a unit of 百 or more is the next
    // lower place.
    let flush =
        |pending: &mut Option<Number>, section: &mut i128, limit: Option<i128>, gap: bool| -> Result<(), IncomeError> {
            let Some(n) = pending.take() else { return Ok(()) };
            let value = match limit {
                Some(_) if n.decimal || n.spelled => return Err(IncomeError::NotANumber),
                Some(l) if n.single && !gap && l >= 100 => n.value.checked_mul(l / 10).ok_or(IncomeError::TooLarge)?,
                _ => n.value,
            };
            if let Some(l) = limit
                && value >= l * SCALE
            {
                return Err(IncomeError::NotANumber);
            }
            *section = section.checked_add(value).ok_or(IncomeError::TooLarge)?;
            Ok(())
        };

    for &tok in tokens {
        match tok {
            Tok::Num(n) => {
                if pending.is_some() || closed {
                    return Err(IncomeError::NotANumber);
                }
                pending = Some(n);
                section_has_number = true;
            }
            Tok::Gap => {
                if pending.is_some() || gap {
                    return Err(IncomeError::NotANumber);
                }
                gap = true;
            }
            Tok::Unit(u) if u < 10_000 => {
                let (mult, decimal) = match pending.take() {
                    Some(n) if n.spelled => return Err(IncomeError::NotANumber),
                    Some(n) => (n.value, n.decimal),
                    None if u == 10 => (SCALE, false),
                    None => return Err(IncomeError::NotANumber),
                };
                let contribution = mult.checked_mul(u).ok_or_else(overflow)?;
                if let Some(l) = limit
                    && (u >= l || contribution >= l * SCALE)
                {
                    return Err(IncomeError::NotANumber);
                }
                section = section.checked_add(contribution).ok_or_else(overflow)?;
                section_has_number = true;
                closed |= decimal;
                limit = Some(u);
                gap = false;
            }
            Tok::Unit(u) => {
                if let Some(n) = pending {
                    if n.spelled {
                        return Err(IncomeError::NotANumber);
                    }
                    closed |= n.decimal;
                }
                // `三千五万`: the bare digit abbreviates within the section, as at the end.
                let within = if section > 0 { limit } else { None };
                flush(&mut pending, &mut section, within, gap)?;
                if !section_has_number {
                    return Err(IncomeError::NotANumber);
                }
                let contribution = section.checked_mul(u).ok_or_else(overflow)?;
                if let Some(b) = big_limit
                    && (u >= b || contribution >= b * SCALE)
                {
                    return Err(IncomeError::NotANumber);
                }
                total = total.checked_add(contribution).ok_or_else(overflow)?;
                section = 0;
                section_has_number = false;
                limit = Some(u);
                big_limit = Some(u);
                gap = false;
            }
        }
    }
    flush(&mut pending, &mut section, limit, gap)?;
    total.checked_add(section).ok_or_else(overflow)
}

/// Whether a typed income deserves to be read back before it is saved. The bot never refuses such a
/// value: big harvests and lean years are real, slips of a digit are common.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plausibility {
    Fine,
    /// Below 0, above [`MAX_PLAUSIBLE_YUAN`] for the household, or above [`MAX_PLAUSIBLE_PER_CAPITA`] a head.
    OutsideRange,
    /// More than [`BASELINE_FACTOR`] times the baseline, or less than a [`BASELINE_FACTOR`]th of it.
    FarFromBaseline,
}

pub const MAX_PLAUSIBLE_YUAN: i64 = 1_000_000;
pub const MAX_PLAUSIBLE_PER_CAPITA: i64 = 300_000;
pub const BASELINE_FACTOR: i64 = 5;
/// With a baseline of 0 there is no factor to apply: above this a new income is read back.
pub const FAR_FROM_ZERO_BASELINE: i64 = 50_000;

/// Judges `yuan` against fixed bounds and, when known, the household size and the person's baseline
/// income. Exactly five times (or a fifth of) the baseline is still fine.
pub fn plausibility(yuan: i64, household_size: Option<i64>, baseline_yuan: Option<i64>) -> Plausibility {
    if !(0..=MAX_PLAUSIBLE_YUAN).contains(&yuan) {
        return Plausibility::OutsideRange;
    }
    if let Some(size) = household_size
        && size >= 1
        && yuan > MAX_PLAUSIBLE_PER_CAPITA.saturating_mul(size)
    {
        return Plausibility::OutsideRange;
    }
    match baseline_yuan {
        Some(0) if yuan > FAR_FROM_ZERO_BASELINE => Plausibility::FarFromBaseline,
        Some(b)
            if b > 0
                && (i128::from(yuan) > i128::from(b) * i128::from(BASELINE_FACTOR)
                    || i128::from(yuan) * i128::from(BASELINE_FACTOR) < i128::from(b)) =>
        {
            Plausibility::FarFromBaseline
        }
        _ => Plausibility::Fine,
    }
}

#[cfg(test)]
mod tests {
    use super::IncomeError::*;
    use super::*;

    #[test]
    fn real_world_forms() {
        let cases: &[(&str, Result<i64, IncomeError>)] = &[
            // Arabic digits, separators, units
            ("30000", Ok(30_000)),
            ("  30000  ", Ok(30_000)),
            ("0", Ok(0)),
            ("3万", Ok(30_000)),
            ("3.5万", Ok(35_000)),
            ("3.5万元", Ok(35_000)),
            ("3 万", Ok(30_000)),
            ("35,000", Ok(35_000)),
            ("35，000", Ok(35_000)),
            ("1,200,000", Ok(1_200_000)),
            ("3w", Ok(30_000)),
            ("3.5W", Ok(35_000)),
            ("3k", Ok(3_000)),
            ("3K", Ok(3_000)),
            ("3千", Ok(3_000)),
            ("8000元", Ok(8_000)),
            ("8000块", Ok(8_000)),
            ("3万块钱左右", Ok(30_000)),
            ("¥8000", Ok(8_000)),
            ("3万5", Ok(35_000)),
            ("3万5千", Ok(35_000)),
            ("3万500", Ok(30_500)),
            ("3千5", Ok(3_500)),
            ("30000.5", Ok(30_001)),
            ("30000.4", Ok(30_000)),
            ("3.5555万", Ok(35_555)),
            (".5万", Ok(5_000)),
            // full width
            ("３００００", Ok(30_000)),
            ("３．５万", Ok(35_000)),
            ("３５，０００", Ok(35_000)),
            ("３.５Ｗ", Ok(35_000)),
            // approximate words
            ("约3万", Ok(30_000)),
            ("大概3万", Ok(30_000)),
            ("差不多两万", Ok(20_000)),
            ("3万左右", Ok(30_000)),
            // Chinese numerals
            ("三万五", Ok(35_000)),
            ("三万五千", Ok(35_000)),
            ("两万", Ok(20_000)),
            ("一万二", Ok(12_000)),
            ("五千", Ok(5_000)),
            ("五千五", Ok(5_500)),
            ("十万", Ok(100_000)),
            ("十二万", Ok(120_000)),
            ("一百二十万", Ok(1_200_000)),
            ("一百五", Ok(150)),
            ("二十五万", Ok(250_000)),
            ("三万零五", Ok(30_005)),
            ("三万零五百", Ok(30_500)),
            ("一千零五十", Ok(1_050)),
            ("五千万", Ok(50_000_000)),
            ("零", Ok(0)),
            ("二〇〇〇〇", Ok(20_000)),
            ("三万零", Ok(30_000)),
            ("一〇万", Err(NotANumber)),
            ("三一五十", Err(NotANumber)),
            ("叁万伍仟", Ok(35_000)),
            ("壹拾贰萬", Ok(120_000)),
            ("五", Ok(5)),
            ("十二", Ok(12)),
            // refused
            ("", Err(Empty)),
            ("   ", Err(Empty)),
            ("很多", Err(NotANumber)),
            ("不知道", Err(NotANumber)),
            ("abc", Err(NotANumber)),
            ("1e9", Err(NotANumber)),
            ("3万万", Err(NotANumber)),
            ("3万abc", Err(NotANumber)),
            ("万", Err(NotANumber)),
            ("元", Err(NotANumber)),
            ("3.", Err(NotANumber)),
            ("3,5万", Err(NotANumber)),
            ("3万12000", Err(NotANumber)),
            ("五十百", Err(NotANumber)),
            ("3.5万5", Err(NotANumber)),
            ("-3000", Err(Negative)),
            ("－3000", Err(Negative)),
            ("负3000", Err(Negative)),
            ("3..5万", Err(TooManyDecimals)),
            ("3.5.1", Err(TooManyDecimals)),
            ("3.14159万", Err(TooManyDecimals)),
            ("100000001", Err(TooLarge)),
            ("2亿", Err(TooLarge)),
            ("99999999999999999999999999", Err(TooLarge)),
            ("2-3万", Err(Range)),
            ("2~3万", Err(Range)),
            ("2到3万", Err(Range)),
            ("两三万", Err(Range)),
            ("七八千", Err(Range)),
            ("3万多", Err(Range)),
            ("十几万", Err(Range)),
        ];
        assert!(cases.len() >= 40);
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(text, want)| parse_yuan(text) != *want)
            .map(|(text, want)| format!("{text:?}: got {:?}, want {want:?}", parse_yuan(text)))
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn the_limit_itself_is_accepted() {
        assert_eq!(parse_yuan("100000000"), Ok(MAX_YUAN));
        assert_eq!(parse_yuan("1亿"), Ok(MAX_YUAN));
        assert_eq!(parse_yuan("一亿零一"), Err(TooLarge));
    }

    #[test]
    fn plausibility_fixed_bounds() {
        assert_eq!(plausibility(0, None, None), Plausibility::Fine);
        assert_eq!(plausibility(-1, None, None), Plausibility::OutsideRange);
        assert_eq!(plausibility(1_000_000, None, None), Plausibility::Fine);
        assert_eq!(plausibility(1_000_001, None, None), Plausibility::OutsideRange);
        // per capita: 300,000 a head is fine, one yuan more is not
        assert_eq!(plausibility(600_000, Some(2), None), Plausibility::Fine);
        assert_eq!(plausibility(600_001, Some(2), None), Plausibility::OutsideRange);
        assert_eq!(plausibility(300_001, Some(1), None), Plausibility::OutsideRange);
        // a nonsense size is ignored rather than divided by
        assert_eq!(plausibility(300_001, Some(0), None), Plausibility::Fine);
        // range wins over baseline
        assert_eq!(plausibility(1_000_001, None, Some(10)), Plausibility::OutsideRange);
    }

    #[test]
    fn plausibility_against_baseline() {
        assert_eq!(plausibility(50_000, None, Some(10_000)), Plausibility::Fine);
        assert_eq!(plausibility(50_001, None, Some(10_000)), Plausibility::FarFromBaseline);
        assert_eq!(plausibility(2_000, None, Some(10_000)), Plausibility::Fine);
        assert_eq!(plausibility(1_999, None, Some(10_000)), Plausibility::FarFromBaseline);
        // a fifth of an odd baseline: 5 × 2000 = 10,000 < 10,001
        assert_eq!(plausibility(2_000, None, Some(10_001)), Plausibility::FarFromBaseline);
        assert_eq!(plausibility(0, None, Some(10_000)), Plausibility::FarFromBaseline);
        // zero baseline: only a large income is far
        assert_eq!(plausibility(50_000, None, Some(0)), Plausibility::Fine);
        assert_eq!(plausibility(50_001, None, Some(0)), Plausibility::FarFromBaseline);
        assert_eq!(plausibility(0, None, Some(0)), Plausibility::Fine);
        // a negative baseline (bad data) is no baseline
        assert_eq!(plausibility(500_000, None, Some(-5)), Plausibility::Fine);
        assert_eq!(plausibility(30_000, Some(4), Some(25_000)), Plausibility::Fine);
    }
}
