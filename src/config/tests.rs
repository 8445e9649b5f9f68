use super::*;

/// The problems of a text, as `line:column: message [text of the range]`.
fn problems(text: &str) -> Vec<String> {
    let (_, found) = parse(text);
    found
        .iter()
        .map(|p| {
            let before = &text[..p.range.start];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("{line}:{col}: {} [{}]", p.message, &text[p.range.clone()])
        })
        .collect()
}

#[test]
fn every_key_is_read() {
    let text = "\
# The configuration of the scheme.
levels:
  IMP0404: allow
  imp0802: deny
  IMP1007: warn
  IMP0401: deny
as_of: 2026-12-01
mandatory_roles:
  isirt_lead: csirt_manager
  decision_maker: true
  crisis_lead: false
  privacy_officer: dpo
default_targets: {acknowledge: 30m, contain: 4h, resolve: \"2w\"}
libraries:
  central: ../central
";
    let (file, found) = parse(text);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(
        file.levels,
        Levels::from([
            (Code::UnknownName, Setting::Deny),
            (Code::Unused, Setting::Allow),
            (Code::RoleWithoutBackup, Setting::Deny),
            (Code::CriteriaOverlap, Setting::Warn),
        ])
    );
    assert_eq!(file.as_of, Some(jiff::civil::date(2026, 12, 1)));
    let m: Vec<(String, Option<Function>, Option<String>)> = file
        .mandatory
        .expect("mandatory")
        .into_iter()
        .map(|m| (m.key, m.function, m.name))
        .collect();
    assert_eq!(
        m,
        [
            (
                "point_of_contact".into(),
                Some(Function::PointOfContact),
                None
            ),
            (
                "isirt_lead".into(),
                Some(Function::IsirtLead),
                Some("csirt_manager".into())
            ),
            ("decision_maker".into(), Some(Function::DecisionMaker), None),
            ("privacy_officer".into(), None, Some("dpo".into())),
        ]
    );
    assert_eq!(
        file.default_targets,
        DefaultTargets {
            acknowledge: Some(1800),
            contain: Some(4 * 3600),
            resolve: Some(14 * 86_400),
        }
    );
    assert_eq!(
        file.libraries,
        [("central".to_string(), "../central".to_string())]
    );
}

#[test]
fn an_empty_file_or_key_sets_nothing() {
    for text in [
        "",
        "# nothing yet\n",
        "---\n",
        "levels:\nmandatory_roles:\n",
    ] {
        let (file, found) = parse(text);
        assert!(found.is_empty(), "{text:?}: {found:?}");
        assert!(file.levels.is_empty());
        assert!(
            file.mandatory
                .as_ref()
                .is_none_or(|m| *m == Mandatory::defaults())
        );
    }
}

#[test]
fn yaml_that_does_not_parse_is_located() {
    assert_eq!(
        problems("libraries: [unclosed\n"),
        ["2:1: `imp.yaml` is not valid YAML: did not find expected ',' or ']' []"]
    );
    assert_eq!(
        problems("levels:\n  IMP0404: allow\n  IMP0404: deny\n"),
        ["3:3: `imp.yaml` gives `IMP0404` twice [IMP0404]"]
    );
    assert_eq!(
        problems("- levels\n"),
        ["1:1: `imp.yaml` is a list, not a mapping of keys [- levels]"]
    );
}

#[test]
fn a_bad_entry_is_located_and_the_rest_applies() {
    let text = "\
librarys:
  central: x
levels:
  IMP9999: allow
  IMP0404: alow
  IMP0401: warn
  IMP0007: allow
  IMP0802: deny
as_of: 2026-13-01
";
    assert_eq!(
        problems(text),
        [
            "1:1: unknown key `librarys` in `imp.yaml` [librarys]",
            "4:3: `IMP9999` is not a diagnostic code [IMP9999]",
            "5:12: `alow` is not a level of `IMP0404` [alow]",
            "6:12: `IMP0401` cannot be set to `warn` [warn]",
            "7:12: `IMP0007` cannot be set to `allow` [allow]",
            "9:8: `2026-13-01` is not a date [2026-13-01]",
        ]
    );
    let (file, _) = parse(text);
    assert_eq!(
        file.levels,
        Levels::from([(Code::RoleWithoutBackup, Setting::Deny)])
    );
    assert_eq!(file.as_of, None);
}

#[test]
fn bad_values_of_each_key_are_refused() {
    let text = "\
as_of: 2026-1-5
mandatory_roles:
  isirt_led: true
  crisis_lead: [a]
  privacy_officer: \"\"
default_targets:
  acknowledge: 4
  contain: 1mo
  resolve: 0h
  review: 1d
libraries:
  \"bad name\": x
  ok: 3
";
    assert_eq!(
        problems(text),
        [
            "1:8: `2026-1-5` is not a date [2026-1-5]",
            "3:3: `isirt_led` is not a function imp knows [isirt_led]",
            "4:16: `crisis_lead` is a list [[a]]",
            "5:20: `privacy_officer` names no declaration [\"\"]",
            "7:16: `4` has no unit [4]",
            "8:12: `1mo` is not a fixed length of time [1mo]",
            "9:12: `0h` is no time at all [0h]",
            "10:3: unknown key `review` in `default_targets` [review]",
            "12:4: `bad name` is not a library name: use letters, digits, `_` and `-` [bad name]",
            "13:7: the library `ok` names no directory [3]",
        ]
    );
    assert_eq!(
        problems("as_of: 20261201\n"),
        ["1:8: `as_of` is `20261201`, not a date [20261201]"]
    );
    assert_eq!(
        problems("levels: allow\n"),
        ["1:9: `levels` is a text, not a mapping [allow]"]
    );
}

#[test]
fn durations_are_read_as_the_language_writes_them() {
    assert_eq!(duration("4h"), Ok(4 * 3600));
    assert_eq!(duration("30m"), Ok(1800));
    assert_eq!(duration("30min"), Ok(1800));
    assert_eq!(duration("1d"), Ok(86_400));
    assert_eq!(duration("45s"), Ok(45));
    assert!(duration("1h30m").is_err());
    assert_eq!(
        duration("4 hours").map_err(|e| e.0),
        Err("duration written as `4 hours`".to_string())
    );
    assert!(duration("4h 2m").is_err());
    assert!(duration("2bd").is_err());
    assert!(duration("99999999999999999999w").is_err());
}

#[test]
fn what_may_be_set_and_silenced() {
    assert!(may_set(Code::Unused, Setting::Allow).is_ok());
    assert!(may_set(Code::OpenInApproved, Setting::Warn).is_ok());
    assert!(may_set(Code::BadConfig, Setting::Warn).is_ok());
    assert!(may_set(Code::UnknownName, Setting::Deny).is_ok());
    assert!(may_set(Code::UnknownName, Setting::Warn).is_err());
    assert!(may_set(Code::FindingsNotShown, Setting::Deny).is_err());
    assert!(may_silence(Code::Unused).is_ok());
    assert!(may_silence(Code::ExclusiveHeldTogether).is_ok());
    assert!(may_silence(Code::UnknownName).is_err());
    assert!(may_silence(Code::UselessSilence).is_err());
    assert!(may_silence(Code::FindingsNotShown).is_err());
}
