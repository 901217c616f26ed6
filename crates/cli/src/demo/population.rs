//! The demo's synthetic population: people who do not exist, with NHS numbers from the
//! reserved test range (999 000 0000 – 999 999 9999, never issued), made-up names and
//! addresses, and clinical histories shaped so that the pathway has patients in every
//! state and policies find some eligible and some not. Deterministic for a seed.

use diapath_glucose::simulate::Profile;
use jiff::civil::Date;
use jiff::{Span, ToSpan};

/// Where a demo patient's story has got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Registered with the specialist team; no request yet.
    Registered,
    /// A request drafted, not yet submitted (evidence missing).
    Draft,
    /// Submitted and waiting with the commissioner.
    Submitted,
    /// Referred to the commissioner for a decision outside auto-approval.
    Referred,
    /// An individual funding request (exceptional case).
    Exceptional,
    /// Refused by the commissioner.
    Refused,
    /// Refused, and reconsideration requested with new evidence.
    Reconsideration,
    /// Refused on reconsideration, now appealed.
    Appeal,
    /// Approved but the cohort cap is reached: on the waiting list.
    WaitingList,
    /// Approved, contract agreed, trial running.
    TrialActive,
    /// Trial review due (6 months reached).
    ReviewDue,
    /// Reviewed and continued.
    Continued,
    /// Reviewed and discontinued.
    Discontinued,
    /// Request withdrawn by the team.
    Withdrawn,
}

impl Stage {
    /// Every stage, with how many of each 200 demo patients reach it.
    pub const MIX: [(Stage, usize); 14] = [
        (Stage::Registered, 30),
        (Stage::Draft, 18),
        (Stage::Submitted, 20),
        (Stage::Referred, 10),
        (Stage::Exceptional, 6),
        (Stage::Refused, 14),
        (Stage::Reconsideration, 6),
        (Stage::Appeal, 4),
        (Stage::WaitingList, 10),
        (Stage::TrialActive, 30),
        (Stage::ReviewDue, 16),
        (Stage::Continued, 20),
        (Stage::Discontinued, 10),
        (Stage::Withdrawn, 6),
    ];
}

/// Diabetes type as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiabetesType {
    /// Type 1.
    Type1,
    /// Type 2.
    Type2,
}

/// One synthetic person with their history.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// NHS number, 10 digits, from the 999 test range with a valid check digit.
    pub nhs_number: String,
    /// Given name (made up).
    pub given_name: &'static str,
    /// Family name (made up).
    pub family_name: &'static str,
    /// Date of birth.
    pub born: Date,
    /// `female` or `male`.
    pub sex: &'static str,
    /// A postcode-shaped string in a district that does not exist ("ZZ").
    pub postcode: String,
    /// Index of Multiple Deprivation decile, 1 (most deprived) to 10.
    pub imd_decile: u8,
    /// NHS Data Dictionary ethnic category code (A–S, Z not stated).
    pub ethnicity: char,
    /// Which demo GP practice (0 or 1).
    pub practice: usize,
    /// Diabetes type.
    pub diabetes: DiabetesType,
    /// Date of diagnosis.
    pub diagnosed: Date,
    /// Whether on insulin (multiple daily injections or pump).
    pub on_insulin: bool,
    /// HbA1c results, oldest first, whole mmol/mol.
    pub hba1c: Vec<(Date, u16)>,
    /// Severe hypoglycaemia episodes needing third-party help.
    pub severe_hypos: Vec<Date>,
    /// Gold score (1–7; ≥ 4 means impaired awareness of hypoglycaemia).
    pub gold_score: u8,
    /// Structured education completed (programme, date), if any.
    pub education: Option<(&'static str, Date)>,
    /// Whether pregnant or planning pregnancy.
    pub pregnant: bool,
    /// Glucose profile for the 90 days of simulated CGM.
    pub profile: Profile,
    /// Where the story has got to.
    pub stage: Stage,
    /// Seed of this person's CGM simulation.
    pub seed: u64,
}

const GIVEN_FEMALE: [&str; 20] = [
    "Amelia", "Olivia", "Isla", "Ava", "Mia", "Grace", "Sophie", "Ella", "Freya", "Lily", "Aisha",
    "Priya", "Zara", "Chloe", "Ruby", "Evie", "Hannah", "Niamh", "Megan", "Leah",
];
const GIVEN_MALE: [&str; 20] = [
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Oscar", "Charlie", "Jacob",
    "Mohammed", "Arjun", "Kwame", "Daniel", "Thomas", "Samuel", "Owen", "Rhys", "Liam", "Ethan",
];
const FAMILY: [&str; 30] = [
    "Ashdown",
    "Birchley",
    "Carrow",
    "Dunmore",
    "Elswick",
    "Fairholm",
    "Garside",
    "Hartwell",
    "Ingleby",
    "Jessop",
    "Kirkland",
    "Lowther",
    "Marsden",
    "Northam",
    "Oakridge",
    "Pennock",
    "Quarrie",
    "Ravensby",
    "Selwood",
    "Thackery",
    "Underhill",
    "Varley",
    "Whitcombe",
    "Yardley",
    "Okafor",
    "Chaudhry",
    "Mensah",
    "Kowalczyk",
    "Nakamura",
    "Fernandes",
];
/// Ethnic categories with rough weights (England and Wales, Census 2021 proportions,
/// rounded): A White British most common; Z not stated kept for realism.
const ETHNICITY: [(char, u32); 12] = [
    ('A', 70),
    ('C', 6),
    ('B', 1),
    ('H', 3),
    ('J', 3),
    ('K', 1),
    ('L', 2),
    ('M', 2),
    ('N', 2),
    ('R', 1),
    ('S', 3),
    ('Z', 6),
];
const EDUCATION: [&str; 3] = ["DAFNE", "BERTIE", "DESMOND"];

/// Builds `count` people as of `today`, deterministic for `seed`.
pub fn people(count: usize, today: Date, seed: u64) -> Vec<Person> {
    let mut rng = Rng(seed ^ 0x5eed_d1a9_0000_0001);
    let mut stages: Vec<Stage> = Stage::MIX
        .iter()
        .flat_map(|&(stage, n)| std::iter::repeat_n(stage, n))
        .collect();
    // Shuffle (Fisher–Yates) so that a smaller demo still spans the stages.
    for i in (1..stages.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        stages.swap(i, j);
    }
    let mut used_numbers = std::collections::HashSet::new();
    (0..count)
        .map(|i| {
            let stage = stages[i % stages.len()];
            let female = rng.below(2) == 0;
            let age_years = match stage {
                // A few children and young people, mostly adults.
                _ if i % 17 == 0 => 8 + rng.below(10) as i64,
                _ => 19 + rng.below(60) as i64,
            };
            let born = today
                .checked_sub(age_years.years())
                .and_then(|d| d.checked_sub((rng.below(365) as i64).days()))
                .unwrap_or(today);
            let diabetes = if i % 5 == 4 {
                DiabetesType::Type2
            } else {
                DiabetesType::Type1
            };
            let years_since = (rng.below((age_years.max(2) - 1) as u64) as i64).max(1);
            let diagnosed = today.checked_sub(years_since.years()).unwrap_or(born);
            let profile = profile_for(stage, &mut rng);
            let base = base_hba1c(&profile);
            let hba1c = (0..4)
                .map(|k| {
                    let when = today
                        .checked_sub(Span::new().days(20 + 90 * k + rng.below(20) as i64))
                        .unwrap_or(today);
                    let value = (base as i64 + rng.below(9) as i64 - 4).clamp(38, 130) as u16;
                    (when, value)
                })
                .rev()
                .collect();
            let severe = match profile.name {
                "frequent-hypos" => 1 + rng.below(3),
                _ => u64::from(rng.below(10) == 0),
            };
            let severe_hypos = (0..severe)
                .map(|_| {
                    today
                        .checked_sub((15 + rng.below(330) as i64).days())
                        .unwrap_or(today)
                })
                .collect();
            let gold_score = match profile.name {
                "frequent-hypos" => 4 + rng.below(3) as u8,
                _ => 1 + rng.below(3) as u8,
            };
            let education = (rng.below(4) != 0).then(|| {
                let programme = match diabetes {
                    DiabetesType::Type1 if age_years < 18 => EDUCATION[1],
                    DiabetesType::Type1 => EDUCATION[0],
                    DiabetesType::Type2 => EDUCATION[2],
                };
                let when = today
                    .checked_sub((1 + rng.below(8) as i64).years())
                    .unwrap_or(today);
                (programme, when.max(diagnosed))
            });
            Person {
                nhs_number: test_nhs_number(&mut rng, &mut used_numbers),
                given_name: if female {
                    GIVEN_FEMALE[rng.below(20) as usize]
                } else {
                    GIVEN_MALE[rng.below(20) as usize]
                },
                family_name: FAMILY[rng.below(30) as usize],
                born,
                sex: if female { "female" } else { "male" },
                postcode: format!(
                    "ZZ{} {}{}{}",
                    1 + rng.below(9),
                    rng.below(10),
                    (b'A' + rng.below(26) as u8) as char,
                    (b'A' + rng.below(26) as u8) as char
                ),
                imd_decile: 1 + rng.below(10) as u8,
                ethnicity: weighted(&ETHNICITY, &mut rng),
                practice: i % 2,
                diabetes,
                diagnosed,
                on_insulin: diabetes == DiabetesType::Type1 || rng.below(2) == 0,
                hba1c,
                severe_hypos,
                gold_score,
                education,
                pregnant: female && (20..42).contains(&age_years) && rng.below(12) == 0,
                profile,
                stage,
                seed: rng.next(),
            }
        })
        .collect()
}

/// HbA1c consistent with the profile's mean glucose, via the ADAG relation
/// (Nathan et al., Diabetes Care 2008;31:1473: eAG mg/dL = 28.7 × A1c % − 46.7) and the
/// IFCC–NGSP master equation (IFCC mmol/mol = 10.929 × (NGSP % − 2.15)).
fn base_hba1c(profile: &Profile) -> u16 {
    let percent = (profile.mean_mg_dl + 46.7) / 28.7;
    (10.929 * (percent - 2.15)).round() as u16
}

fn profile_for(stage: Stage, rng: &mut Rng) -> Profile {
    match stage {
        // People whose trial went well.
        Stage::Continued => Profile::well_controlled(),
        // Discontinued: the sensor was rarely worn.
        Stage::Discontinued => Profile::low_wear(),
        // Refused and appealing: mostly outside the criteria.
        Stage::Refused | Stage::Appeal => Profile::well_controlled(),
        _ => match rng.below(4) {
            0 => Profile::frequent_hypos(),
            1 => Profile::poorly_controlled(),
            2 => Profile::suboptimal(),
            _ => Profile::well_controlled(),
        },
    }
}

fn weighted(table: &[(char, u32)], rng: &mut Rng) -> char {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut pick = rng.below(u64::from(total)) as u32;
    for &(value, weight) in table {
        if pick < weight {
            return value;
        }
        pick -= weight;
    }
    'Z'
}

/// A unique NHS number from the reserved test range 999 000 0000 – 999 999 9999 with a
/// valid modulus-11 check digit (NHS Data Dictionary "NHS NUMBER"; stems whose check
/// value would be 10 are skipped, as no valid number has them).
fn test_nhs_number(rng: &mut Rng, used: &mut std::collections::HashSet<String>) -> String {
    loop {
        let stem = format!("999{:06}", rng.below(1_000_000));
        let digits: Vec<u32> = stem.chars().filter_map(|c| c.to_digit(10)).collect();
        let sum: u32 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * (10 - i as u32))
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => continue,
            c => c,
        };
        let number = format!("{stem}{check}");
        if used.insert(number.clone()) {
            return number;
        }
    }
}

/// SplitMix64, as in the glucose simulator: deterministic on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_nhs_number(n: &str) -> bool {
        let d: Vec<u32> = n.chars().filter_map(|c| c.to_digit(10)).collect();
        if d.len() != 10 {
            return false;
        }
        let sum: u32 = d[..9]
            .iter()
            .enumerate()
            .map(|(i, x)| x * (10 - i as u32))
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            c => c,
        };
        check != 10 && check == d[9]
    }

    #[test]
    fn two_hundred_people_cover_every_stage_with_test_numbers() {
        let today = jiff::civil::date(2026, 11, 23);
        let people = people(200, today, 1);
        assert_eq!(people.len(), 200);
        for (stage, n) in Stage::MIX {
            assert_eq!(
                people.iter().filter(|p| p.stage == stage).count(),
                n,
                "{stage:?}"
            );
        }
        let mut numbers = std::collections::HashSet::new();
        for p in &people {
            assert!(p.nhs_number.starts_with("999"), "{}", p.nhs_number);
            assert!(valid_nhs_number(&p.nhs_number), "{}", p.nhs_number);
            assert!(numbers.insert(p.nhs_number.clone()));
            assert!(p.born < today && p.diagnosed <= today);
            assert!(p.hba1c.windows(2).all(|w| w[0].0 < w[1].0));
            assert!((1..=10).contains(&p.imd_decile));
        }
        assert!(people.iter().any(|p| p.diabetes == DiabetesType::Type2));
        assert!(people.iter().any(|p| p.gold_score >= 4));
        assert_eq!(people, super::people(200, today, 1));
    }

    #[test]
    fn hba1c_follows_the_profile_mean() {
        // Mean 140 mg/dL ≈ 6.5 % ≈ 48 mmol/mol; 215 mg/dL ≈ 9.1 % ≈ 76 mmol/mol.
        assert_eq!(base_hba1c(&Profile::well_controlled()), 48);
        assert_eq!(base_hba1c(&Profile::poorly_controlled()), 76);
    }
}
