//! `hindsight search`: the terminal's tantivy index over fixture sites in temporary folders.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod common;
use common::*;

/// A private copy of a fixture site (`dfds`) or of the demo site (`demo`).
fn site(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join(name);
    std::fs::create_dir_all(&root).unwrap();
    if name == "demo" {
        copy_tree(&repo().join("content"), &root.join("content"));
        std::fs::copy(repo().join("hindsight.toml"), root.join("hindsight.toml")).ok();
    } else {
        copy_tree(&repo().join("tests/fixtures").join(name), &root);
    }
    (tmp, root)
}

fn search(root: &Path, args: &[&str]) -> Output {
    bin()
        .arg("search")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

fn hits(root: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let o = search(root, &all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).expect("stdout is one JSON value");
    v.as_array().expect("a JSON array").clone()
}

fn ids(hits: &[Value]) -> Vec<String> {
    hits.iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

/// The "search index: ..." line that --verbose prints.
fn index_line(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .find(|l| l.starts_with("search index:"))
        .unwrap_or_else(|| panic!("no index line in {}", String::from_utf8_lossy(&o.stderr)))
        .to_string()
}

#[test]
fn searching_the_dfds_corpus_for_logs_not_shipped_finds_the_three_cloudwatch_postmortems_in_the_top_five(
) {
    let (_tmp, root) = site("dfds");
    let found = ids(&hits(&root, &["logs not shipped cloudwatch"]));
    let top5: Vec<&str> = found.iter().take(5).map(String::as_str).collect();
    for id in ["PM2021-001", "PM2022-002", "PM2023-002"] {
        assert!(top5.contains(&id), "{id} not in the top 5: {top5:?}");
    }
}

#[test]
fn a_compound_no_postmortem_writes_closed_is_found_by_its_words() {
    // PM2022-006 says "out of memory (OOM) killed": the parenthesis keeps the two words apart,
    // and no postmortem writes OOMKilled.
    let (_tmp, root) = site("dfds");
    for q in ["oom killed", "OOMKilled", "oom-killed", "oomkill"] {
        let found = ids(&hits(&root, &[q]));
        assert_eq!(
            found.first().map(String::as_str),
            Some("PM2022-006"),
            "{q}: {found:?}"
        );
        let o = search(&root, &[q]);
        let said = String::from_utf8_lossy(&o.stderr);
        assert!(!said.contains("holds"), "{q}: {said}");
    }
    // A closed word some postmortem holds is searched as it is: "rolled back" is `rollback`.
    let closed = ids(&hits(&root, &["rollback"]));
    assert!(!closed.is_empty());
    assert_eq!(ids(&hits(&root, &["rolled back"])), closed);
    // A compound held neither closed nor by each of its words is named as the query writes it.
    let o = search(&root, &["kyverno dead lock"]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains(r#"holds "dead lock"."#), "{said}");
}

#[test]
fn a_word_written_to_be_left_out_that_nothing_holds_is_named_as_leaving_out_nothing() {
    let (_tmp, root) = site("dfds");
    let said = |q: &str| stderr(&search(&root, &[q]));
    assert!(
        said("logs -fluentdd")
            .contains("-fluentdd leaves out nothing: no incident or learning holds it."),
        "{}",
        said("logs -fluentdd")
    );
    assert!(
        said("logs -fluentdd -zzq -fluentd")
            .contains("-fluentdd and -zzq leave out nothing: no incident or learning holds them."),
        "{}",
        said("logs -fluentdd -zzq -fluentd")
    );
    // The query mended, as for words nothing holds.
    assert!(
        said("logs -fluentdd").contains("Did you mean \"logs -fluentd\"?"),
        "{}",
        said("logs -fluentdd")
    );
    // A word some page holds, or stop words alone, say nothing; nor do --quiet and --json.
    assert!(!said("logs -fluentd -the").contains("nothing"));
    for flag in ["--quiet", "--json"] {
        let err = stderr(&search(&root, &["logs -fluentdd", flag]));
        assert!(!err.contains("nothing"), "{flag}: {err}");
    }
}

#[test]
fn a_query_put_as_a_question_searches_for_its_subject() {
    let (_tmp, root) = site("demo");
    // "did" is in most postmortems: the incidents that say it are no better matches.
    let found = ids(&hits(&root, &["why did the certificate expire"]));
    assert_eq!(found, ids(&hits(&root, &["certificate expire"])));
    assert!(found[..2].contains(&"PM2022-001".to_string()), "{found:?}");
    // The incident named, then those that mention it: no incident for saying "like".
    let like = ids(&hits(&root, &["is this like PM2023-004?"]));
    assert_eq!(like, ids(&hits(&root, &["PM2023-004"])));
    assert_eq!(like[0], "PM2023-004");
    // A question of question words alone still searches for them.
    assert!(!hits(&root, &["what happened"]).is_empty());
}

#[test]
fn a_word_written_with_a_star_also_finds_the_words_it_begins() {
    let (_tmp, root) = site("dfds");
    // "traef" is no word of the corpus; "traef*" is Traefik.
    assert!(hits(&root, &["traef"]).is_empty());
    let traefik = ids(&hits(&root, &["traefik", "--limit", "100"]));
    let mut star = ids(&hits(&root, &["traef*", "--limit", "100"]));
    star.sort();
    let mut want = traefik.clone();
    want.sort();
    assert_eq!(star, want);
    let o = search(&root, &["traef* outage"]);
    assert!(!stderr(&o).contains("holds"), "{}", stderr(&o));
    // Fewer than three letters are no prefix; nor is a prefix of nothing.
    assert!(hits(&root, &["tr*"]).is_empty());
    assert!(hits(&root, &["zzq*"]).is_empty());
}

#[test]
fn not_in_capitals_leaves_out_the_word_after_it_as_a_minus_sign_does() {
    let (_tmp, root) = site("dfds");
    let minus = ids(&hits(
        &root,
        &["logs cloudwatch -fluentd", "--limit", "100"],
    ));
    assert!(!minus.is_empty());
    assert_eq!(
        ids(&hits(
            &root,
            &["logs cloudwatch NOT fluentd", "--limit", "100"]
        )),
        minus
    );
    // In small letters it is a word, and a stop word.
    assert_ne!(
        ids(&hits(
            &root,
            &["logs cloudwatch not fluentd", "--limit", "100"]
        )),
        minus
    );
    // Alone, it only leaves out: a usage error, as `-fluentd` alone is.
    assert_eq!(search(&root, &["NOT fluentd"]).status.code(), Some(2));
}

#[test]
fn the_words_of_a_query_need_no_quotes_but_for_a_word_left_out_after_the_first() {
    let (_tmp, root) = site("dfds");
    let quoted = ids(&hits(&root, &["logs not shipped cloudwatch"]));
    let unquoted = ids(&hits(
        &root,
        &["logs", "not", "shipped", "cloudwatch", "--limit", "10"],
    ));
    assert!(!quoted.is_empty());
    assert_eq!(quoted, unquoted);
    let o = search(&root, &["logs", "-fluentd"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("quote the whole query, as in `hindsight search \"logs -fluentd\"`"),
        "{err}"
    );
}

#[test]
fn a_query_of_mistyped_words_that_finds_nothing_suggests_the_words_the_knowledge_base_holds() {
    let (_tmp, root) = site("dfds");
    let o = search(&root, &["certifcate expird"]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("No results for \"certifcate expird\"."),
        "{err}"
    );
    assert!(
        err.contains("Did you mean \"certificate expired\"?"),
        "{err}"
    );
    // A word whose stem is far from it is compared as written too.
    let err = String::from_utf8_lossy(&search(&root, &["prometheous"]).stderr).to_string();
    assert!(err.contains("Did you mean \"prometheus\"?"), "{err}");
    // Nothing near: no suggestion.
    let err = String::from_utf8_lossy(&search(&root, &["zzzzqqq"]).stderr).to_string();
    assert!(!err.contains("Did you mean"), "{err}");
}

#[test]
fn a_short_or_run_together_word_is_mended_as_operations_people_write_it() {
    let (_tmp, root) = site("dfds");
    let said = |q: &str| stderr(&search(&root, &[q]));
    // A short word is the word it begins, not one of another first letter or one letter off.
    assert!(
        said("cert").contains("Did you mean \"certificate\"?"),
        "{}",
        said("cert")
    );
    assert!(!said("disk").contains("\"risk\""), "{}", said("disk"));
    // A name is not the word it begins with less its last letter, but a doubled letter is a typo.
    assert!(!said("etcd").contains("Did you mean"), "{}", said("etcd"));
    assert!(
        said("dnss").contains("Did you mean \"dns\"?"),
        "{}",
        said("dnss")
    );
    // Two words run together are written apart, rather than as a word two edits away.
    assert!(
        said("timezone").contains("Did you mean \"time zone\"?"),
        "{}",
        said("timezone")
    );
    assert!(
        said("nodegroup").contains("Did you mean \"node group\"?"),
        "{}",
        said("nodegroup")
    );
}

#[test]
fn results_found_by_some_of_the_words_say_which_words_nothing_holds_and_mend_them_when_all_are_near(
) {
    let (_tmp, root) = site("dfds");
    let o = search(&root, &["daylight saving time"]);
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("No incident or learning holds \"daylight\" or \"saving\"."),
        "{err}"
    );
    // "saving" is near "having", but "daylight" is near nothing: no half-mended query.
    assert!(!err.contains("Did you mean"), "{err}");
    assert!(!String::from_utf8_lossy(&o.stdout).is_empty());
    let err = stderr(&search(&root, &["certifcate expired"]));
    assert!(
        err.contains(
            "No incident or learning holds \"certifcate\".\nDid you mean \"certificate expired\"?"
        ),
        "{err}"
    );
    // An id no incident has is named whole, not by its pieces, which are searched.
    let err = stderr(&search(&root, &["PM2021-099"]));
    assert!(
        err.contains("No incident or learning holds \"PM2021-099\"."),
        "{err}"
    );
    // A word left out, a stop word and a word every result holds are not named.
    let err = stderr(&search(&root, &["the logs -zzzqqq"]));
    assert!(!err.contains("No incident or learning holds"), "{err}");
    // --quiet and --json say nothing of it.
    assert!(stderr(&search(&root, &["daylight saving time", "--quiet"])).is_empty());
    let o = search(&root, &["daylight saving time", "--json"]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn json_hits_have_exactly_the_documented_fields() {
    let (_tmp, root) = site("dfds");
    let found = hits(&root, &["fluentd", "--limit", "3"]);
    assert_eq!(found.len(), 3);
    for h in &found {
        let mut keys: Vec<&str> = h.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            ["date", "id", "kind", "score", "section", "snippet", "title", "url"]
        );
        assert!(h["score"].as_f64().unwrap() > 0.0);
        let url = h["url"].as_str().unwrap();
        assert!(
            url.starts_with(&format!("incidents/{}/", h["id"].as_str().unwrap())),
            "{url}"
        );
    }
    let scores: Vec<f64> = found.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn a_hit_names_the_section_that_matched_and_links_to_its_anchor() {
    let (_tmp, root) = site("dfds");
    let found = hits(&root, &["inotify watches exhausted"]);
    let first = &found[0];
    assert_eq!(first["id"], "PM2020-001", "{found:#?}");
    let section = first["section"].as_str().expect("a section");
    let anchor = first["url"]
        .as_str()
        .unwrap()
        .split('#')
        .nth(1)
        .expect("an anchor");
    assert_eq!(anchor, hindsight::markdown::slugify(section));
    let snippet = first["snippet"].as_str().unwrap().to_lowercase();
    assert!(snippet.contains("watches"), "{snippet}");
}

#[test]
fn stemming_finds_other_forms_of_a_word() {
    let (_tmp, root) = site("dfds");
    // The titles say "shipped"; the stem matches "ships", "shipping" and "shipped" alike.
    let found = ids(&hits(&root, &["ships"]));
    assert!(found.contains(&"PM2023-002".to_string()), "{found:?}");
}

#[test]
fn filters_narrow_the_results_by_tag_service_severity_and_date() {
    let (_tmp, root) = site("demo");
    let all = ids(&hits(&root, &["certificate", "--limit", "50"]));
    assert!(all.len() >= 3, "{all:?}");
    let tagged = hits(
        &root,
        &["certificate", "--tag", "Payments", "--limit", "50"],
    );
    assert!(
        !tagged.is_empty() && tagged.len() < all.len(),
        "{tagged:#?}"
    );
    let by_service = ids(&hits(&root, &["certificate", "--service", "ios-app"]));
    assert!(!by_service.is_empty() && by_service.len() < all.len());
    let sev = ids(&hits(
        &root,
        &["certificate", "--severity", "sev2", "--limit", "50"],
    ));
    assert!(!sev.is_empty() && sev.len() <= all.len());
    for h in hits(
        &root,
        &["certificate", "--since", "2023-01-01", "--limit", "50"],
    ) {
        assert!(h["date"].as_str().unwrap() >= "2023-01-01", "{h}");
    }
    // A tag some incident has, none of whose incidents speak of certificates.
    let none = hits(&root, &["certificate", "--tag", "kafka"]);
    assert!(none.is_empty(), "{none:#?}");
}

#[test]
fn a_filter_value_no_incident_has_is_a_usage_error_that_names_the_known_values() {
    let (_tmp, root) = site("demo");
    let o = search(&root, &["certificate", "--severity", "SEV-9"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("no incident has the severity \"SEV-9\""),
        "{err}"
    );
    assert!(
        err.contains("known severities: SEV1, SEV2, SEV3, SEV4"),
        "{err}"
    );
    // SEV-9 is as near to one severity as to another: no guess.
    assert!(!err.contains("did you mean"), "{err}");
    let o = search(
        &root,
        &["certificate", "--service", "payment-gateway", "--json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("no incident has the service \"payment-gateway\""),
        "{err}"
    );
    assert!(err.contains("did you mean \"payments-api\"?"), "{err}");
    assert!(err.contains("ios-app"), "{err}");
    // A typo, and a short form of the one tag it can shorten.
    for tag in ["certificate", "certs"] {
        let o = search(&root, &["certificate", "--tag", tag]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("did you mean \"certificates\"?"),
            "{}",
            stderr(&o)
        );
    }
    // Values compare case-insensitively, as the filters do; a severity of the configured scale
    // that no incident has yet is a question whose answer is "nothing", not a typo.
    assert!(!hits(&root, &["certificate", "--tag", "CERTIFICATES"]).is_empty());
    std::fs::write(
        root.join("hindsight.toml"),
        "severities = [\"SEV1\", \"SEV2\", \"SEV3\", \"SEV4\", \"SEV5\"]\n",
    )
    .unwrap();
    assert!(hits(&root, &["certificate", "--severity", "sev5"]).is_empty());
}

#[test]
fn a_very_long_query_is_not_echoed_back_whole() {
    let (_tmp, root) = site("demo");
    // A pasted log of 50,000 characters: no match, and no word to search for.
    for query in ["zzqx ".repeat(10_000), "?! ".repeat(10_000)] {
        let err = stderr(&search(&root, &[query.as_str()]));
        assert!(err.len() < 1_000, "{} bytes: {}", err.len(), &err[..200]);
    }
}

#[test]
fn an_empty_query_is_a_usage_error_with_a_hint_unless_a_filter_chooses_the_incidents() {
    let (_tmp, root) = site("demo");
    for query in ["", "   ", "?!"] {
        for json in [false, true] {
            let mut args = vec![query];
            if json {
                args.push("--json");
            }
            let o = search(&root, &args);
            assert_eq!(o.status.code(), Some(2), "{query:?}: {}", stderr(&o));
            assert!(o.stdout.is_empty(), "{query:?}");
            let err = stderr(&o);
            assert!(err.starts_with("error: the query"), "{err}");
            assert!(err.contains("help: give the words to look for"), "{err}");
        }
    }
    // With a filter, no words lists the incidents it chooses, newest first.
    let found = hits(&root, &["", "--severity", "SEV1", "--limit", "50"]);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0]["date"].as_str() >= found[1]["date"].as_str());
}

#[test]
fn a_changed_file_is_reindexed_and_a_second_run_reindexes_nothing() {
    let (_tmp, root) = site("dfds");
    let first = search(&root, &["--verbose", "--json", "kubernetes"]);
    assert!(
        index_line(&first).contains("(rebuilt)"),
        "{}",
        index_line(&first)
    );

    let again = search(&root, &["--verbose", "--json", "kubernetes"]);
    assert!(
        index_line(&again).starts_with("search index: 0 indexed, 0 removed"),
        "{}",
        index_line(&again)
    );

    let file = root.join("PM2020-004 - CoreDNS upgrade issue.md");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n\nThe zanzibarquokka resolver was also restarted.\n");
    std::fs::write(&file, text).unwrap();
    let changed = search(&root, &["--verbose", "--json", "zanzibarquokka"]);
    assert!(
        index_line(&changed).starts_with("search index: 1 indexed, 0 removed"),
        "{}",
        index_line(&changed)
    );
    let v: Value = serde_json::from_slice(&changed.stdout).unwrap();
    assert_eq!(ids(v.as_array().unwrap()), ["PM2020-004"]);

    let third = search(&root, &["--verbose", "--json", "zanzibarquokka"]);
    assert!(index_line(&third).starts_with("search index: 0 indexed, 0 removed"));
}

#[test]
fn a_deleted_file_leaves_the_index() {
    let (_tmp, root) = site("dfds");
    assert!(ids(&hits(&root, &["inotify"])).contains(&"PM2020-001".to_string()));
    std::fs::remove_file(root.join("PM2020-001 - Inotify file watches exhaustion.md")).unwrap();
    let o = search(&root, &["--verbose", "--json", "inotify"]);
    // The incident, and the clusters of learnings that it alone gave their shape.
    let removed: usize = index_line(&o)
        .split(", ")
        .find_map(|part| part.strip_suffix(" removed"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", index_line(&o)));
    assert!(removed >= 1, "{}", index_line(&o));
    let manifest = read_json(&root.join(".hindsight-cache/search/manifest.json"));
    assert!(manifest["docs"]
        .get("PM2020-001 - Inotify file watches exhaustion.md")
        .is_none());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!ids(v.as_array().unwrap()).contains(&"PM2020-001".to_string()));
}

#[test]
fn a_corrupt_cache_is_rebuilt_and_never_an_error() {
    let (_tmp, root) = site("dfds");
    let expected = hits(&root, &["fluentd"]);
    let cache = root.join(".hindsight-cache/search");
    // Garble every file of the cache.
    for e in walkdir::WalkDir::new(&cache) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            std::fs::write(e.path(), b"\x00garbage{").unwrap();
        }
    }
    let o = search(&root, &["--verbose", "--json", "fluentd"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(index_line(&o).contains("(rebuilt)"), "{}", index_line(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ids(v.as_array().unwrap()), ids(&expected));

    // A cache folder that is a file is no obstacle either.
    std::fs::remove_dir_all(&cache).unwrap();
    std::fs::write(&cache, b"not a folder").unwrap();
    let o = search(&root, &["--json", "fluentd"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ids(v.as_array().unwrap()), ids(&expected));
}

#[test]
fn a_cache_of_another_schema_version_is_rebuilt() {
    let (_tmp, root) = site("dfds");
    search(&root, &["--json", "fluentd"]);
    let manifest = root.join(".hindsight-cache/search/manifest.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    assert_eq!(m["schema"], hindsight::search::index::SCHEMA_VERSION);
    m["schema"] = Value::from(0);
    std::fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
    let o = search(&root, &["--verbose", "--json", "fluentd"]);
    assert!(index_line(&o).contains("(rebuilt)"), "{}", index_line(&o));
}

#[test]
fn the_human_output_ranks_titles_with_ids_dates_sections_and_snippets_without_colour_off_a_terminal(
) {
    let (_tmp, root) = site("dfds");
    let o = search(&root, &["cloudwatch", "--limit", "2"]);
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with(" 1. "), "{out}");
    assert!(out.contains(" 2. "), "{out}");
    assert!(!out.contains(" 3. "), "{out}");
    assert!(out.contains("PM20"), "{out}");
    assert!(out.to_lowercase().contains("cloudwatch"), "{out}");
    assert!(
        !out.contains('\x1b'),
        "no escape codes when stdout is not a terminal"
    );
}

#[test]
fn a_query_without_matches_prints_an_empty_array_and_exits_zero() {
    let (_tmp, root) = site("dfds");
    assert!(hits(&root, &["xylophonequartz"]).is_empty());
    let o = search(&root, &["xylophonequartz"]);
    assert!(o.status.success());
    assert!(o.stdout.is_empty());
}

#[test]
fn drafts_and_internal_incidents_are_searchable_only_with_drafts() {
    let (_tmp, root) = site("dfds");
    std::fs::write(
        root.join("draft.md"),
        "---\nstatus: draft\n---\n# Draft\n\nThe quasarwombat cache failed.\n",
    )
    .unwrap();
    std::fs::write(
        root.join("internal.md"),
        "---\nvisibility: internal\n---\n# Internal\n\nThe quasarwombat queue failed.\n",
    )
    .unwrap();
    std::fs::write(
        root.join("public.md"),
        "# Public\n\nThe quasarwombat disk failed.\n",
    )
    .unwrap();
    assert_eq!(ids(&hits(&root, &["quasarwombat"])), ["public"]);
    // Unless asked for, as `build --drafts` publishes them; then not again.
    let mut all = ids(&hits(&root, &["quasarwombat", "--drafts"]));
    all.sort();
    assert_eq!(all, ["draft", "internal", "public"]);
    assert_eq!(ids(&hits(&root, &["quasarwombat"])), ["public"]);
}

#[test]
fn usage_and_io_errors_exit_with_code_two() {
    let tmp = tempfile::tempdir().unwrap();
    let o = search(tmp.path(), &["anything"]);
    assert_eq!(o.status.code(), Some(2), "missing content folder");
    let (_tmp, root) = site("dfds");
    let o = search(&root, &["anything", "--since", "yesterday"]);
    assert_eq!(o.status.code(), Some(2), "bad date");
    let o = bin().arg("search").output().unwrap();
    assert_eq!(o.status.code(), Some(2), "no query");
    let o = search(&root, &[""]);
    assert_eq!(o.status.code(), Some(2), "empty query");
    let o = search(&root, &["anything", "--tag", "no-such-tag"]);
    assert_eq!(o.status.code(), Some(2), "unknown tag");
}

#[test]
fn a_mistyped_option_taken_for_the_query_is_named_with_the_option_meant() {
    let (_tmp, root) = site("dfds");
    let o = search(&root, &["--servce", "sso"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`--servce` is no option of search: did you mean `--service`?"),
        "{err}"
    );
    assert!(err.contains("Usage: hindsight search"), "{err}");
    // A word to leave out is written with one dash, and still works.
    let o = search(&root, &["logs -fluentd", "--limit", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn the_build_writes_sorted_term_shards_with_hashed_names_behind_one_entry_file() {
    use sha2::Digest;
    let (tmp, root) = site("dfds");
    let out = tmp.path().join("site");
    build_ok(&root, &out);
    let dir = out.join("search");
    let entry = read_json(&dir.join("index.json"));
    let shards = entry["shards"].as_array().unwrap();
    assert!(!shards.is_empty());
    let mut previous_last = String::new();
    for (i, s) in shards.iter().enumerate() {
        let (first, name) = (s[0].as_str().unwrap(), s[1].as_str().unwrap());
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let hash: String = sha2::Sha256::digest(&bytes)[..5]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(name, format!("t-{hash}.json"), "named after its bytes");
        let terms: Vec<String> = read_json(&dir.join(name))
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert!(
            i == 0 || first == terms[0],
            "a shard starts at its first term"
        );
        assert!(
            terms[0] > previous_last,
            "shards cover disjoint, sorted ranges"
        );
        previous_last = terms.last().unwrap().clone();
    }
    let docs = entry["docs"].as_u64().unwrap() as usize;
    // The 39 incidents, then the 37 learning pages.
    assert_eq!(docs, 39 + 37);
    let f = &entry["fragments"];
    let per = f["docs"].as_u64().unwrap() as usize;
    let hashes = f["hashes"].as_array().unwrap();
    assert_eq!(hashes.len(), docs.div_ceil(per));
    for (n, h) in hashes.iter().enumerate() {
        let name = format!("f-{n}-{}.json", h.as_str().unwrap());
        let bytes = std::fs::read(dir.join(&name)).unwrap();
        let hash: String = sha2::Sha256::digest(&bytes)[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(name, format!("f-{n}-{hash}.json"), "named after its bytes");
    }
    assert!(dir.join(entry["facets"].as_str().unwrap()).is_file());
    // Every file of the index is named by the entry file.
    let named = 1 + shards.len() + docs.div_ceil(per) + 1;
    assert_eq!(
        tree(&dir)
            .iter()
            .filter(|(n, _)| n.ends_with(".json"))
            .count(),
        named
    );
}

#[test]
fn the_static_index_finds_a_postmortem_through_the_shared_analysis() {
    let (tmp, root) = site("dfds");
    let out = tmp.path().join("site");
    build_ok(&root, &out);
    let dir = out.join("search");
    let entry = read_json(&dir.join("index.json"));
    let term = hindsight::search::terms("CloudWatch shipping")[1].clone();
    assert_eq!(term, "ship");
    let shard = entry["shards"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|s| s[0].as_str().unwrap() <= term.as_str())
        .unwrap();
    let postings = read_json(&dir.join(shard[1].as_str().unwrap()))[&term].clone();
    let flat: Vec<u64> = postings
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let f = &entry["fragments"];
    let per = f["docs"].as_u64().unwrap();
    let mut doc = 0;
    let mut found = Vec::new();
    for triple in flat.chunks(3) {
        doc += triple[0];
        let n = doc / per;
        let file = format!("f-{n}-{}.json", f["hashes"][n as usize].as_str().unwrap());
        let frag = read_json(&dir.join(file))[(doc % per) as usize].clone();
        found.push(frag["id"].as_str().unwrap().to_string());
    }
    for id in ["PM2021-001", "PM2022-002", "PM2023-002"] {
        assert!(found.contains(&id.to_string()), "{id} in {found:?}");
    }
}

#[test]
fn the_static_index_is_the_same_bytes_for_the_same_input() {
    let (tmp, root) = site("demo");
    build_ok(&root, &tmp.path().join("a"));
    build_ok(&root, &tmp.path().join("b"));
    let a = tree(&tmp.path().join("a/search"));
    assert!(a.len() > 3);
    assert!(a == tree(&tmp.path().join("b/search")));
}

#[test]
fn incidents_holding_more_of_the_query_words_rank_first_as_in_the_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = root.join("content/postmortems");
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, title: &str, body: &str| {
        std::fs::write(
            dir.join(name),
            format!("---\nid: {name}\ntitle: {title}\ndate: 2024-01-01\n---\n\n{body}\n"),
        )
        .unwrap();
    };
    // Kafka many times, certificate never: the higher score on one word.
    write(
        "a.md",
        "Kafka consumer lag on Kafka brokers",
        "Kafka lag grew. Kafka consumers stalled; Kafka brokers were restarted. Kafka recovered.",
    );
    // Both words once, in a long text.
    write(
        "b.md",
        "Payments were slow for an hour",
        &format!(
            "{} The Kafka client could not verify the broker certificate.",
            "Checkout requests timed out while the team looked at dashboards. ".repeat(20)
        ),
    );
    for n in 0..4 {
        write(
            &format!("c{n}.md"),
            "An expired certificate",
            "The certificate expired and nobody was warned.",
        );
    }
    assert_eq!(
        ids(&hits(root, &["kafka certificate"]))[0],
        "b.md",
        "the only incident that holds both words comes first"
    );
}

#[test]
fn the_search_statistics_made_in_the_pass_shared_with_related_incidents_are_those_search_makes_alone(
) {
    use hindsight::search::web;
    for name in ["dfds", "quayside"] {
        let root = fixture(name);
        let config = hindsight::config::Config::load(&root).expect("config");
        let out = root.join("public");
        let (site, _) =
            hindsight::load_site(&root, config, &out, false, hindsight::Purpose::Build, None);
        let shared = site.search.as_ref().expect("a build analyses for search");
        assert_eq!(shared.len(), site.library.incidents.len(), "{name}");
        assert!(shared.len() > 20, "{name}: {}", shared.len());
        for (inc, stats) in site.library.incidents.iter().zip(shared) {
            assert!(
                *stats == web::incident_stats(inc, &mut web::plain),
                "{name}: {}",
                inc.id
            );
        }
    }
}

#[test]
fn a_limit_of_zero_is_a_usage_error_and_no_result_under_filters_names_the_filters() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[(
            "content/disk.md",
            "---\nseverity: SEV2\n---\n# Disk full\n\nThe logs filled the disk.\n",
        )],
    );
    // `--limit 0` could only ever print nothing: clap refuses it.
    for args in [
        &["logs", "--limit", "0"][..],
        &["logs", "--json", "--limit", "0"],
    ] {
        let o = search(root, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty());
        assert!(stderr(&o).contains("--limit"), "{}", stderr(&o));
    }
    assert_eq!(ids(&hits(root, &["logs", "--limit", "1"])), ["disk"]);
    // SEV1 is in the default scale but no incident has it: nothing found, said as such.
    let said = |args: &[&str]| {
        let o = search(root, args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
        stderr(&o).trim().to_string()
    };
    assert_eq!(
        said(&["", "--severity", "SEV1"]),
        "No incidents match --severity SEV1."
    );
    assert_eq!(
        said(&["logs", "--severity", "SEV1", "--since", "2020-01-01"]),
        "No results for \"logs\" among the incidents that match --severity SEV1 --since 2020-01-01."
    );
    assert_eq!(said(&["printer"]), "No results for \"printer\".");
    // Where no incident has any severity, every --severity search is empty: said as for tags.
    write_files(
        root,
        &[(
            "content/disk.md",
            "# Disk full\n\nThe logs filled the disk.\n",
        )],
    );
    let o = search(root, &["logs", "--severity", "SEV1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("no incident has the severity \"SEV1\"")
            && stderr(&o).contains("no incident has any severity: leave out --severity"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_quote_or_a_control_character_in_the_query_is_escaped_where_the_query_is_quoted() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[(
            "content/disk.md",
            "# Disk full\n\nThe logs filled the disk.\n",
        )],
    );
    // `"printer "zebra""` would end the quotation early; an escape would reach the terminal.
    let o = search(root, &["printer \"zebra\" \u{1b}[2J"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim(),
        "No results for \"printer \\\"zebra\\\" \\u{1b}[2J\"."
    );
    let o = search(root, &["\""]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: the query \"\\\"\" has no word to search for\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_incident_dated_only_by_a_year_shows_the_year_alone_as_its_page_does() {
    // PM2020-003 writes no date: the year of the file name is all that is known.
    let (tmp, root) = site("dfds");
    let o = search(&root, &["ADSync", "--limit", "3"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("PM2020-003 · 2020 · "), "{out}");
    assert!(!out.contains("2020-01-01"), "{out}");
    // A whole date is shown whole.
    assert!(out.contains("PM2020-006 · 2020-02-24 · "), "{out}");
    // --json keeps its YYYY-MM-DD contract: 1 January stands in for the year.
    let found = hits(&root, &["ADSync", "--limit", "3"]);
    let year_only = found.iter().find(|h| h["id"] == "PM2020-003").unwrap();
    assert_eq!(year_only["date"], "2020-01-01", "{found:?}");
    // The site's search page shows what the incident page shows.
    let out = tmp.path().join("site");
    build_ok(&root, &out);
    let page = std::fs::read_to_string(out.join("incidents/PM2020-003/index.html")).unwrap();
    assert!(
        page.contains("<time datetime=\"2020\">2020</time>"),
        "{page}"
    );
    let dir = out.join("search");
    let f = &read_json(&dir.join("index.json"))["fragments"];
    let mut shown = std::collections::BTreeMap::new();
    for (n, h) in f["hashes"].as_array().unwrap().iter().enumerate() {
        let file = format!("f-{n}-{}.json", h.as_str().unwrap());
        for frag in read_json(&dir.join(file)).as_array().unwrap() {
            shown.insert(
                frag["id"].as_str().unwrap().to_string(),
                frag["date"].clone(),
            );
        }
    }
    assert_eq!(shown["PM2020-003"], "2020");
    assert_eq!(shown["PM2020-006"], "2020-02-24", "{shown:?}");
}

#[test]
fn a_severity_filter_is_read_on_the_scale_as_front_matter_is() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/disk.md",
                "---\nseverity: sev-2\n---\n# Disk full\n\nThe logs filled the disk.\n",
            ),
            (
                "content/dns.md",
                "---\nseverity: SEV3\n---\n# DNS down\n\nThe logs said NXDOMAIN.\n",
            ),
        ],
    );
    // `SEV-2`, `Sev 2` and `sev_2` are the scale's SEV2, which `sev-2` in front matter is.
    for written in ["SEV-2", "Sev 2", "sev_2", "SEV2"] {
        assert_eq!(
            ids(&hits(root, &["logs", "--severity", written])),
            ["disk"],
            "{written}"
        );
        assert_eq!(ids(&hits(root, &["", "--severity", written])), ["disk"]);
    }
    // A value off the scale that no incident has is still refused.
    let o = search(root, &["logs", "--severity", "P2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no incident has the severity \"P2\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_limit_below_one_or_not_a_number_is_refused_in_words() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[(
            "content/disk.md",
            "# Disk full\n\nThe logs filled the disk.\n",
        )],
    );
    let o = search(root, &["logs", "--limit", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("--limit must be at least 1"), "{err}");
    assert!(!err.contains("18446744073709551615"), "{err}");
    let o = search(root, &["logs", "--limit", "ten"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`ten` is not a whole number"),
        "{}",
        stderr(&o)
    );
    // More than any search can find is no limit at all.
    assert_eq!(
        ids(&hits(root, &["logs", "--limit", "99999999999999999999999"])),
        ["disk"]
    );
}

#[test]
fn a_tag_or_service_filter_spelled_with_other_case_or_punctuation_finds_the_same_term() {
    let site = Site::with(&[
        (
            "content/pager.md",
            "---\ntags: [on-call]\nservices: [Payments_API]\n---\n# Pager storm\n\nThe logs paged everyone.\n",
        ),
        (
            "content/dns.md",
            "---\ntags: [dns]\nservices: [resolver]\n---\n# DNS down\n\nThe logs said NXDOMAIN.\n",
        ),
    ]);
    for written in ["on call", "On-Call", "on_call", " on.call "] {
        assert_eq!(
            ids(&hits(&site.root, &["logs", "--tag", written])),
            ["pager"],
            "{written}"
        );
        assert_eq!(ids(&hits(&site.root, &["", "--tag", written])), ["pager"]);
    }
    for written in ["payments api", "PAYMENTS-API"] {
        assert_eq!(
            ids(&hits(&site.root, &["logs", "--service", written])),
            ["pager"],
            "{written}"
        );
    }
    // A value that is another term is still refused.
    let o = search(&site.root, &["logs", "--tag", "oncall"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no incident has the tag \"oncall\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_tag_or_service_filter_finds_only_its_own_term_when_another_s_slug_would_be_the_same() {
    let post = |services: &str, tags: &str| {
        format!(
            "---\nservices: {services}\ntags: {tags}\n---\n# Outage\n\nThe logs paged everyone.\n"
        )
    };
    let site = Site::with(&[
        ("content/a.md", &post(r#"[C++, "C#"]"#, "[🔥, On call]")),
        ("content/b.md", &post("[c-plus-plus, c]", "[fire, on_call]")),
    ]);
    for (flag, written, found) in [
        ("--tag", "🔥", ["a"].as_slice()),
        ("--tag", "Fire", &["b"]),
        ("--tag", "on-call", &["a", "b"]),
        ("--service", "c++", &["a"]),
        ("--service", "C-Plus-Plus", &["b"]),
        ("--service", "c#", &["a"]),
        ("--service", "C", &["b"]),
    ] {
        let mut got = ids(&hits(&site.root, &["logs", flag, written]));
        got.sort();
        assert_eq!(got, found, "{flag} {written}");
    }
}

#[test]
fn an_invalid_hindsight_toml_is_reported_with_its_file_line_and_hint_as_build_reports_it() {
    let site = Site::with(&[
        ("hindsight.toml", "titel = \"KB\"\nfeed_limit = \"20\"\n"),
        ("content/disk.md", "# Disk full\n\nThe disk filled up.\n"),
    ]);
    let o = search(&site.root, &["disk"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    for shown in [
        "unknown key `titel`",
        "hindsight.toml:1:1",
        "did you mean `title`?",
        "`feed_limit` must be a whole number",
        "hindsight.toml:2:14",
        "write the number without quotes: `feed_limit = 20`",
        "error: hindsight.toml has 2 errors; nothing was searched",
    ] {
        assert!(err.contains(shown), "{shown}: {err}");
    }
    assert!(o.stdout.is_empty());
}

#[test]
fn a_match_in_the_summary_names_the_section_it_was_taken_from_or_the_summary() {
    let site = Site::with(&[
        (
            "content/walrus.md",
            "---\nsummary: The walrus ate the cache.\n---\n# Cache gone\n\n## Timeline\n\nThings happened.\n",
        ),
        (
            "content/heron.md",
            "# Disk gone\n\n## TL;DR\n\nThe heron filled the disk.\n\n## Timeline\n\nStuff.\n",
        ),
        (
            "content/otter.md",
            "# Network gone\n\nThe otter cut the cable.\n\n## Timeline\n\nStuff.\n",
        ),
    ]);
    let one = |query: &str| {
        let h = hits(&site.root, &[query]);
        assert_eq!(h.len(), 1, "{query}: {h:#?}");
        (h[0]["section"].clone(), h[0]["url"].clone())
    };
    // Taken from a TL;DR section: that section, and its anchor.
    assert_eq!(
        one("heron"),
        ("TL;DR".into(), "incidents/heron/#tl-dr".into())
    );
    // Set in front matter, or the paragraph above every heading: the summary the page shows
    // at its top.
    assert_eq!(
        one("walrus"),
        ("Summary".into(), "incidents/walrus/".into())
    );
    assert_eq!(one("otter"), ("Summary".into(), "incidents/otter/".into()));
    let o = search(&site.root, &["walrus"]);
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(shown.contains("§ Summary"), "{shown}");
    // Only the title matched: no section.
    assert_eq!(one("network"), (Value::Null, "incidents/otter/".into()));
}

#[test]
fn a_chinese_or_japanese_query_finds_the_incidents_whose_text_holds_it() {
    let site = Site::with(&[
        (
            "content/tokyo.md",
            "# 東京リージョンの障害\n\n## 概要\n\nDBサーバーが停止した。\n",
        ),
        (
            "content/kyoto.md",
            "# 京都の停電\n\n## 概要\n\n電源が落ちた。\n",
        ),
        (
            "content/beijing.md",
            "# Database timeout\n\n## Summary\n\n数据库连接超时。\n",
        ),
    ]);
    // Both characters of 東京 come first; 京都 holds one of them.
    let found = hits(&site.root, &["東京"]);
    assert_eq!(ids(&found), ["tokyo", "kyoto"], "{found:#?}");
    assert_eq!(ids(&hits(&site.root, &["サーバー"])), ["tokyo"]);
    assert_eq!(ids(&hits(&site.root, &["数据库"])), ["beijing"]);
    let found = hits(&site.root, &["停止"]);
    assert_eq!(ids(&found)[0], "tokyo", "{found:#?}");
    assert_eq!(found[0]["section"], "概要");
    // The characters matched side by side are one mark.
    let query: std::collections::BTreeSet<&str> = ["停", "止"].into();
    let s = hindsight::search::snippet("DBサーバーが停止した。", &query);
    assert_eq!(
        hindsight::search::mark(&s.text, &s.marks, "[", "]"),
        "DBサーバーが[停止]した。"
    );
    // Latin words next to them are words of their own.
    assert_eq!(ids(&hits(&site.root, &["db"])), ["tokyo"]);
}

#[test]
fn json_hits_say_whether_they_are_incidents_or_learnings_and_an_undated_one_has_a_null_date() {
    let site = Site::with(&[
        (
            "content/2024-03-01-expired.md",
            "---\nid: PM2024-001\ntitle: Certificate expired\n---\n\n## Summary\n\nThe certificate expiry was missed.\n",
        ),
        (
            "content/undated.md",
            "---\nid: PM-X\ntitle: Certificate expiry again\n---\n\n## Summary\n\nAnother certificate expiry.\n",
        ),
        (
            "content/learnings/expiry-is-a-deadline.md",
            "---\ntitle: An expiry is a deadline\n---\n\nTreat every certificate expiry as a deadline.\n",
        ),
    ]);
    let found = hits(&site.root, &["certificate expiry"]);
    let by_id = |id: &str| {
        found
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {found:#?}"))
            .clone()
    };
    let learning = by_id("expiry-is-a-deadline");
    assert_eq!(learning["kind"], "learning");
    assert_eq!(learning["date"], Value::Null);
    assert!(learning["url"]
        .as_str()
        .unwrap()
        .starts_with("learnings/expiry-is-a-deadline/"));
    let dated = by_id("PM2024-001");
    assert_eq!(dated["kind"], "incident");
    assert_eq!(dated["date"], "2024-03-01");
    let undated = by_id("PM-X");
    assert_eq!(undated["kind"], "incident");
    assert_eq!(undated["date"], Value::Null, "{undated:#}");
}

#[test]
fn the_section_named_is_the_one_with_most_query_words_and_repeats_or_code_do_not_outweigh_the_summary(
) {
    let site = Site::with(&[
        (
            "content/cert.md",
            "# Payments down\n\n## Summary\n\nThe certificate expired at midnight.\n\n## Timeline\n\n- 00:00 certificate expired\n- 00:05 certificate expired alert\n- 00:10 certificate renewed\n",
        ),
        (
            "content/flag.md",
            "---\nsummary: A rollback of the cart flag failed.\n---\n# Cart broken\n\n## Timeline\n\nStuff happened.\n\n## Root cause\n\n```yaml\nflag: cart\nrollback: false\nflag_rollback: flag\n```\n",
        ),
        (
            "content/late.md",
            "# Late\n\n## Impact\n\nThe disk filled.\n\n## Timeline\n\nThe disk filled, the disk filled, the disk filled and the queue stalled.\n",
        ),
    ]);
    let one = |query: &str| {
        let h = hits(&site.root, &[query]);
        assert_eq!(h.len(), 1, "{query}: {h:#?}");
        (h[0]["section"].clone(), h[0]["snippet"].clone())
    };
    // As many words in the summary as in the timeline: the summary, at the top, wins.
    assert_eq!(
        one("certificate expired"),
        (
            "Summary".into(),
            "The certificate expired at midnight.".into()
        )
    );
    assert_eq!(
        one("rollback flag"),
        (
            "Summary".into(),
            "A rollback of the cart flag failed.".into()
        )
    );
    // Among sections, the earliest of those with the most distinct words, however often a
    // later one repeats them; a section with more of the words wins.
    assert_eq!(one("disk filled").0, "Impact");
    assert_eq!(one("disk queue").0, "Timeline");
}

#[test]
fn a_query_s_stop_words_do_not_decide_what_matches_unless_it_has_no_other_word() {
    let site = Site::with(&[
        (
            "content/disk.md",
            "# Disk\n\nThe disk was not full and the alert did not fire.\n",
        ),
        ("content/cache.md", "# Cache\n\nThe cache was not warm.\n"),
    ]);
    assert_eq!(ids(&hits(&site.root, &["not warm"])), ["cache"]);
    assert_eq!(ids(&hits(&site.root, &["the disk is not full"])), ["disk"]);
    // Stop words alone are still searched for.
    assert_eq!(ids(&hits(&site.root, &["not"])).len(), 2);
    // And not highlighted beside other words.
    let h = hits(&site.root, &["not warm"]);
    assert_eq!(h[0]["snippet"], "The cache was not warm.");
    let o = search(&site.root, &["not warm"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("not warm"));
}

#[test]
fn a_br_or_a_hard_break_reads_as_a_space_in_both_search_indexes_and_in_the_summary() {
    let site = Site::with(&[(
        "content/2024-03-01-br.md",
        "---\nid: PM2024-001\ntitle: Breaks\ndate: 2024-03-01\n---\n\n## Summary\n\n\
         First line  \nsecond line<br>after br<BR/>upper<br />spaced.\n\n\
         ## Timeline\n\n| Time | Event |\n|---|---|\n| 10:00 | Deploy started<br>rollbackword happened |\n",
    )]);
    site.build_ok();
    // The terminal's index: the word after a `<br>` is a word of its own.
    assert_eq!(ids(&hits(&site.root, &["rollbackword"])), ["PM2024-001"]);
    assert!(hits(&site.root, &["startedrollbackword"]).is_empty());
    // The browser's index: no term runs two words together.
    let dir = site.out.join("search");
    let mut terms = Vec::new();
    for s in read_json(&dir.join("index.json"))["shards"]
        .as_array()
        .unwrap()
    {
        let shard = read_json(&dir.join(s[1].as_str().unwrap()));
        terms.extend(shard.as_object().unwrap().keys().cloned());
    }
    assert!(terms.iter().any(|t| t == "rollbackword"), "{terms:?}");
    for glued in [
        "startedrollbackword",
        "linesecond",
        "brafter",
        "brupper",
        "upperspac",
    ] {
        assert!(
            !terms.iter().any(|t| t.starts_with(glued)),
            "{glued}: {terms:?}"
        );
    }
    // The summary, in the export and on the page.
    let summary = site.incident("PM2024-001")["summary"].clone();
    assert_eq!(
        summary, "First line second line after br upper spaced.",
        "{summary}"
    );
    let text = site.text("incidents/PM2024-001/index.html");
    assert!(
        text.contains("second line after br upper spaced."),
        "{text}"
    );
}

/// Ids of the documents the static index under `out` lists for `term`.
fn static_ids(out: &Path, term: &str) -> Vec<String> {
    static_postings(out, term)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn a_compound_finds_its_closed_open_and_hyphenated_forms_in_both_search_indexes() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: closed\n---\n# Deploy\n\nThe rollback failed twice.\n",
        ),
        (
            "content/b.md",
            "---\nid: open\n---\n# Release\n\nWe rolled back the release at noon.\n",
        ),
        (
            "content/c.md",
            "---\nid: hyphen\n---\n# Config\n\nA roll-back of the flag took an hour.\n",
        ),
        (
            "content/d.md",
            "---\nid: apart\n---\n# Barrels\n\nWe roll barrels. Back in 2019 we did not.\n",
        ),
    ]);
    site.build_ok();
    let all = ["closed", "hyphen", "open"];
    for query in [
        "rollback",
        "roll back",
        "roll-back",
        "Rolling back",
        "rollbacks",
    ] {
        let mut found = ids(&hits(&site.root, &[query]));
        found.sort();
        assert_eq!(found, all, "{query}");
    }
    // The snippet marks both words.
    let query: std::collections::BTreeSet<&str> = ["rollback"].into();
    let s = hindsight::search::snippet("We rolled back the release at noon.", &query);
    assert_eq!(
        hindsight::search::mark(&s.text, &s.marks, "[", "]"),
        "We [rolled back] the release at noon."
    );
    // The browser's index holds the closed word's term for all three, and only for them.
    assert_eq!(static_ids(&site.out, "rollback"), all);
    assert_eq!(static_ids(&site.out, "roll"), ["apart"]);
    // Stop words as the browser drops them: "were" too.
    assert_eq!(
        hindsight::analysis::query_terms("alerts were paging"),
        ["alert", "page"]
    );
}

#[test]
fn a_camel_case_word_is_found_by_its_parts_and_finds_itself_first_in_both_search_indexes() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: camel\n---\n# Nodes\n\nThree nodes went NotReady after the kernel update.\n",
        ),
        (
            "content/b.md",
            "---\nid: words\n---\n# Cache\n\nThe cache was not ready when traffic arrived.\n",
        ),
        (
            "content/c.md",
            "---\nid: image\n---\n# Registry\n\nPods sat in ImagePullBackOff for an hour.\n",
        ),
    ]);
    site.build_ok();
    let mut found = ids(&hits(&site.root, &["not ready"]));
    found.sort();
    assert_eq!(found, ["camel", "words"]);
    assert_eq!(ids(&hits(&site.root, &["image pull"])), ["image"]);
    assert_eq!(ids(&hits(&site.root, &["backoff"])), ["image"]);
    // The word as written finds what holds it, not every "ready".
    assert_eq!(ids(&hits(&site.root, &["NotReady"])), ["camel"]);
    // Its parts are searched when nothing holds the word.
    let mut found = ids(&hits(&site.root, &["IsReady"]));
    found.sort();
    assert_eq!(found, ["camel", "words"]);
    // The snippet marks the word a part matched.
    let query: std::collections::BTreeSet<&str> = ["readi"].into();
    let s = hindsight::search::snippet("Three nodes went NotReady today.", &query);
    assert_eq!(
        hindsight::search::mark(&s.text, &s.marks, "[", "]"),
        "Three nodes went [NotReady] today."
    );
    // The browser's index holds the word and its parts.
    assert_eq!(static_ids(&site.out, "notreadi"), ["camel"]);
    assert_eq!(static_ids(&site.out, "readi"), ["camel", "words"]);
    assert_eq!(static_ids(&site.out, "pull"), ["image"]);
}

#[test]
fn the_terminal_finds_every_learning_page_the_site_lists_possibly_related_clusters_too() {
    let site = Site::fixture("quayside");
    site.build_ok();
    let found = hits(&site.root, &["rollback", "--limit", "100"]);
    let mut terminal = ids(&found);
    terminal.sort();
    // The same documents on both sides: the quayside cluster of alias swaps, which rests on
    // one shared word, among them.
    assert_eq!(terminal, static_ids(&site.out, "rollback"));
    let learning = found
        .iter()
        .find(|h| h["kind"] == "learning")
        .unwrap_or_else(|| panic!("a learning page in {found:#?}"));
    let url = learning["url"].as_str().unwrap();
    assert_eq!(
        url,
        format!("learnings/{}/", learning["id"].as_str().unwrap())
    );
    // Every learning page the site lists is in the terminal's index, tentative ones too.
    let listed = read_json(&site.out.join("api/learnings.json"));
    let listed = listed.as_array().unwrap();
    assert!(listed.iter().any(|g| g["tentative"] == true));
    let manifest = read_json(&site.root.join(".hindsight-cache/search/manifest.json"));
    let indexed = manifest["docs"].as_object().unwrap();
    for g in listed {
        let page = format!("learnings/{}/", g["id"].as_str().unwrap());
        assert!(indexed.contains_key(&page), "{page}");
    }
    let entry = read_json(&site.out.join("search/index.json"));
    assert_eq!(entry["docs"].as_u64().unwrap() as usize, indexed.len());
}

#[test]
fn a_canonical_learning_s_body_is_searched_in_the_terminal_and_in_the_browser_index() {
    let (tmp, root) = site("demo");
    let out = tmp.path().join("site");
    build_ok(&root, &out);
    for (query, id, said) in [
        (
            "rollback",
            "stage-config-changes",
            "Rollback of configuration is as fast",
        ),
        (
            "timeout",
            "regression-test-business-critical-paths",
            "a retry after a timeout",
        ),
    ] {
        let found = hits(&root, &[query, "--limit", "100"]);
        let hit = found
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("{id} for {query} in {found:#?}"));
        assert_eq!(hit["kind"], "learning");
        // The text above every heading is the top of the page: no section, no anchor.
        assert_eq!(hit["url"], format!("learnings/{id}/"));
        assert_eq!(hit["section"], Value::Null);
        assert!(hit["snippet"].as_str().unwrap().contains(said), "{hit:#}");
        let term = &hindsight::analysis::query_terms(query)[0];
        assert!(static_ids(&out, term).contains(&id.to_string()), "{query}");
    }
    // A learning with headings: the hit names the section and links to it.
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: PM-1\ntitle: Disk full\n---\n\nThe disk filled.\n",
        ),
        (
            "content/learnings/watch-the-disks.md",
            "---\ntitle: Watch the disks\nsummary: Alert before a disk fills.\n---\n\nDisks fill.\n\n## How to tell\n\nThe zanzibarquokka graph climbs.\n",
        ),
    ]);
    site.build_ok();
    let found = hits(&site.root, &["zanzibarquokka"]);
    assert_eq!(ids(&found), ["watch-the-disks"]);
    assert_eq!(found[0]["section"], "How to tell");
    assert_eq!(found[0]["url"], "learnings/watch-the-disks/#how-to-tell");
    assert_eq!(static_ids(&site.out, "zanzibarquokka"), ["watch-the-disks"]);
}

#[test]
fn the_human_output_says_whether_a_hit_is_an_incident_or_a_learning_and_where_a_learning_is() {
    let (_tmp, root) = site("demo");
    let o = search(&root, &["rollback"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("    incident · PM2022-002 · "), "{out}");
    assert!(
        out.contains("    learning · learnings/stage-config-changes/\n"),
        "{out}"
    );
}

#[test]
fn severities_named_twice_keep_the_incidents_of_either_while_two_tags_must_both_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/disk.md",
                "---\nseverity: SEV1\ntags: [disk, logs]\n---\n# Disk full\n\nThe logs filled the disk.\n",
            ),
            (
                "content/dns.md",
                "---\nseverity: SEV2\ntags: [dns]\n---\n# DNS down\n\nThe logs said NXDOMAIN.\n",
            ),
            (
                "content/queue.md",
                "---\nseverity: SEV3\ntags: [logs]\n---\n# Queue stalled\n\nThe logs stopped.\n",
            ),
        ],
    );
    let mut both = ids(&hits(
        root,
        &["logs", "--severity", "SEV1", "--severity", "SEV2"],
    ));
    both.sort();
    assert_eq!(both, ["disk", "dns"]);
    let mut none = ids(&hits(
        root,
        &["", "--severity", "sev1", "--severity", "SEV3"],
    ));
    none.sort();
    assert_eq!(none, ["disk", "queue"]);
    assert_eq!(
        ids(&hits(root, &["logs", "--tag", "disk", "--tag", "logs"])),
        ["disk"]
    );
}

#[test]
fn a_content_folder_that_does_not_exist_is_refused_with_the_fix_check_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[("hindsight.toml", "content_dir = \"postmortems\"\n")],
    );
    let o = search(root, &["disk"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("content folder") && err.contains("does not exist"),
        "{err}"
    );
    assert!(
        err.contains("help: create it, or set `content_dir` in hindsight.toml"),
        "{err}"
    );
}

#[test]
fn a_hit_in_a_section_with_a_very_long_heading_links_to_its_capped_anchor() {
    let tmp = tempfile::tempdir().unwrap();
    let long = vec!["every consumer of the orders topic lagged behind"; 40].join(" ");
    write_files(
        tmp.path(),
        &[(
            "content/2024-01-10-lag.md",
            &format!("# Consumer lag\n\n## {long}\n\nThe zanzibarquokka partition stalled.\n"),
        )],
    );
    let found = hits(tmp.path(), &["zanzibarquokka"]);
    let url = found[0]["url"].as_str().unwrap();
    let anchor = url.split('#').nth(1).expect("an anchor");
    assert_eq!(
        anchor,
        "every-consumer-of-the-orders-topic-lagged-behind-every-consumer-of-the-orders"
    );
}

/// The "learning clusters: ..." line that --verbose prints.
fn clusters_line(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .find(|l| l.starts_with("learning clusters:"))
        .unwrap_or_else(|| panic!("no clusters line in {}", String::from_utf8_lossy(&o.stderr)))
        .to_string()
}

#[test]
fn a_second_search_reads_the_learning_clusters_from_the_cache_until_a_learning_changes() {
    let (_tmp, root) = site("demo");
    let first = search(&root, &["--verbose", "--json", "symptoms"]);
    assert_eq!(clusters_line(&first), "learning clusters: formed");
    let again = search(&root, &["--verbose", "--json", "symptoms"]);
    assert_eq!(clusters_line(&again), "learning clusters: cached");
    assert_eq!(again.stdout, first.stdout, "the same hits from the cache");

    // An edited canonical learning: its page is searched as it reads now.
    let file = root.join("content/learnings/alert-on-symptoms.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        format!("{text}\nA zanzibarquokka dashboard is not an alert.\n"),
    )
    .unwrap();
    let edited = search(&root, &["--verbose", "--json", "zanzibarquokka"]);
    assert_eq!(clusters_line(&edited), "learning clusters: formed");
    let v: Value = serde_json::from_slice(&edited.stdout).unwrap();
    assert_eq!(ids(v.as_array().unwrap()), ["alert-on-symptoms"]);
    let cached = search(&root, &["--verbose", "--json", "zanzibarquokka"]);
    assert_eq!(clusters_line(&cached), "learning clusters: cached");
    assert_eq!(cached.stdout, edited.stdout);

    // A learning of a postmortem, which clusters may group: formed again.
    let postmortems = root.join("content/postmortems");
    let file = std::fs::read_dir(&postmortems)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("\nlearnings:\n  - id: ")))
        .expect("a postmortem with learnings in front matter");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text.replacen("\n    text: ", "\n    text: Zanzibarquokka first. ", 1);
    std::fs::write(&file, text).unwrap();
    let o = search(&root, &["--verbose", "--json", "zanzibarquokka"]);
    assert_eq!(clusters_line(&o), "learning clusters: formed");
}

#[test]
fn an_incident_s_id_finds_that_incident_first_then_the_incidents_that_mention_it() {
    let (_tmp, root) = site("dfds");
    // PM2019-010 and PM2019-011 mention PM2019-009; the incidents that share only a piece of
    // it (`PM2019`, `009`) are not found: the id stands for its words.
    let found = ids(&hits(&root, &["PM2019-009"]));
    assert_eq!(found[0], "PM2019-009", "{found:?}");
    let mut next = found[1..].to_vec();
    next.sort();
    assert_eq!(next, ["PM2019-010", "PM2019-011"], "{found:?}");
    // Two ids find both incidents and what mentions them, nothing that shares a piece.
    let mut both = ids(&hits(&root, &["PM2019-009 PM2021-005"]));
    both.sort();
    assert_eq!(
        both,
        ["PM2019-009", "PM2019-010", "PM2019-011", "PM2021-005"],
        "{both:?}"
    );
    // An id no document holds is searched by its words: PM2021-099 finds the PM2021 incidents.
    let found = ids(&hits(&root, &["PM2021-099", "--limit", "20"]));
    assert_eq!(found.len(), 11, "{found:?}");
    assert!(found.iter().all(|i| i.starts_with("PM2021-")), "{found:?}");
    // However it is written, and inside a question.
    for query in [
        "PM2021-005",
        "pm2021-005",
        "PM2021_005",
        "Is this like PM2021-005?",
    ] {
        let found = ids(&hits(&root, &[query]));
        assert_eq!(
            found.first().map(String::as_str),
            Some("PM2021-005"),
            "{query}: {found:?}"
        );
    }
    // An incident that nothing else mentions, from a file with no extension.
    assert_eq!(ids(&hits(&root, &["PM2022-009"]))[0], "PM2022-009");
    // The id's first word alone, as a prefix, finds the incidents of that year.
    let found = ids(&hits(&root, &["PM2021", "--limit", "20"]));
    let mut year: Vec<&str> = found.iter().take(11).map(String::as_str).collect();
    year.sort();
    let wanted: Vec<String> = (1..=11).map(|n| format!("PM2021-{n:03}")).collect();
    assert_eq!(year, wanted, "{found:?}");
}

/// Ids and section masks of the documents the static index under `out` lists for `term`.
fn static_postings(out: &Path, term: &str) -> Vec<(String, u64)> {
    let dir = out.join("search");
    let entry = read_json(&dir.join("index.json"));
    let shard = entry["shards"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|s| s[0].as_str().unwrap() <= term)
        .unwrap();
    let postings = read_json(&dir.join(shard[1].as_str().unwrap()))[term].clone();
    let flat: Vec<u64> = postings
        .as_array()
        .map(|a| a.iter().map(|v| v.as_u64().unwrap()).collect())
        .unwrap_or_default();
    let f = &entry["fragments"];
    let per = f["docs"].as_u64().unwrap();
    let mut doc = 0;
    let mut found = Vec::new();
    for triple in flat.chunks_exact(3) {
        doc += triple[0];
        let n = doc / per;
        let file = format!("f-{n}-{}.json", f["hashes"][n as usize].as_str().unwrap());
        let frag = read_json(&dir.join(file))[(doc % per) as usize].clone();
        found.push((frag["id"].as_str().unwrap().to_string(), triple[2]));
    }
    found.sort();
    found
}

#[test]
fn ids_of_every_shape_find_their_incident_first_in_the_terminal_and_are_marked_in_the_static_index()
{
    let site = Site::with(&[
        (
            "content/dns.md",
            "---\nid: INC-201\n---\n# DNS resolution failures\n\nThe resolver cache expired.\n",
        ),
        (
            "content/again.md",
            "---\nid: INC-202\n---\n# Resolver again\n\nLike INC-201, the resolver cache expired again.\n",
        ),
        (
            "content/disk.md",
            "---\nid: INC-2023-042\n---\n# Disk full\n\nThe INC 201 runbook and 201 requests: none of it.\n",
        ),
        ("content/2021-01-05-logs.md", "# Logs not shipped\n\nFluentd stopped.\n"),
    ]);
    site.build_ok();
    let first = |query: &str| ids(&hits(&site.root, &[query]));
    for (query, id) in [
        ("INC-201", "INC-201"),
        ("inc_201", "INC-201"),
        ("Is this like INC-201?", "INC-201"),
        ("INC-2023-042", "INC-2023-042"),
        ("2021-01-05-logs", "2021-01-05-logs"),
        ("fluentd 2021-01-05-logs", "2021-01-05-logs"),
    ] {
        let found = first(query);
        assert_eq!(
            found.first().map(String::as_str),
            Some(id),
            "{query}: {found:?}"
        );
    }
    // The incident that mentions INC-201 comes next; the one holding only its pieces apart
    // ("the INC 201 runbook") is no match, the id standing for them.
    assert_eq!(first("INC-201"), ["INC-201", "INC-202"]);
    // Its pieces written apart find it.
    assert_eq!(first("INC 201")[0], "INC-2023-042");
    // A query of other words still finds what the words say.
    assert_eq!(first("resolver cache expired")[..2].len(), 2);
    // The browser's index: the id's term is marked as the id (bit 31) in its own incident
    // only, and held unmarked by the incident that mentions it.
    const ID_BIT: u64 = 1 << 31;
    let marked = |term: &str| -> Vec<(String, bool)> {
        static_postings(&site.out, term)
            .into_iter()
            .map(|(id, mask)| (id, mask & ID_BIT != 0))
            .collect()
    };
    assert_eq!(
        marked("inc-201"),
        [
            ("INC-201".to_string(), true),
            ("INC-202".to_string(), false)
        ]
    );
    assert_eq!(marked("inc-2023-042"), [("INC-2023-042".to_string(), true)]);
    assert_eq!(
        marked("2021-01-05-logs"),
        [("2021-01-05-logs".to_string(), true)]
    );
    // Its pieces stay terms, unmarked.
    assert!(marked("201").iter().all(|(_, id)| !id));
    assert_eq!(marked("201").len(), 3);
}

/// `all` without the ids of `left_out`, in its order.
fn without(all: &[String], left_out: &[String]) -> Vec<String> {
    all.iter()
        .filter(|id| !left_out.contains(id))
        .cloned()
        .collect()
}

#[test]
fn a_word_written_with_a_leading_hyphen_leaves_out_the_results_that_hold_it_as_the_browser_index_does(
) {
    let site = Site::fixture("dfds");
    site.build_ok();
    let all = ids(&hits(&site.root, &["logs cloudwatch", "--limit", "100"]));
    let fluentd = static_ids(&site.out, "fluentd");
    // Incidents that match the words and hold "fluentd", such as PM2022-002.
    assert!(all.contains(&"PM2022-002".to_string()), "{all:?}");
    assert!(fluentd.contains(&"PM2022-002".to_string()), "{fluentd:?}");
    let left = without(&all, &fluentd);
    assert!(
        !left.is_empty() && left.len() < all.len(),
        "{all:?} {fluentd:?}"
    );
    // The rest keep their order: an excluded word counts for nothing in the ranking.
    for query in [
        "logs cloudwatch -fluentd",
        "-Fluentd logs cloudwatch",
        "logs -fluentd cloudwatch -the",
    ] {
        assert_eq!(
            ids(&hits(&site.root, &[query, "--limit", "100"])),
            left,
            "{query}"
        );
    }
    // An excluded word is analysed as a query word: stemmed, so `-shipping` leaves out "shipped".
    let shipped = static_ids(&site.out, "ship");
    assert_eq!(
        ids(&hits(
            &site.root,
            &["logs cloudwatch -shipping", "--limit", "100"]
        )),
        without(&all, &shipped)
    );
}

#[test]
fn a_hyphen_inside_a_word_or_an_id_excludes_nothing_and_an_excluded_id_leaves_out_its_incident_and_those_that_mention_it(
) {
    let site = Site::fixture("dfds");
    site.build_ok();
    let kubernetes = ids(&hits(&site.root, &["kubernetes", "--limit", "100"]));
    // PM2021-005's own term: its incident and those that mention it, not every PM2021-… one.
    let named = static_ids(&site.out, "pm2021-005");
    assert!(named.contains(&"PM2021-005".to_string()), "{named:?}");
    let found = ids(&hits(
        &site.root,
        &["kubernetes -PM2021-005", "--limit", "100"],
    ));
    assert_eq!(found, without(&kubernetes, &named));
    assert!(found.contains(&"PM2021-006".to_string()), "{found:?}");
    // `roll-back` and `PM2021-008` inside a query are words to look for, not to leave out.
    let rollback = ids(&hits(&site.root, &["rollback", "--limit", "100"]));
    assert_eq!(
        ids(&hits(&site.root, &["roll-back", "--limit", "100"])),
        rollback
    );
    assert_eq!(ids(&hits(&site.root, &["PM2021-008"]))[0], "PM2021-008");
    let found = ids(&hits(
        &site.root,
        &["roll-back -PM2021-008", "--limit", "100"],
    ));
    assert!(!found.is_empty(), "{rollback:?}");
    assert_eq!(
        found,
        without(&rollback, &static_ids(&site.out, "pm2021-008"))
    );
    // A lone hyphen is no word at all.
    assert_eq!(
        ids(&hits(&site.root, &["logs -", "--limit", "100"])),
        ids(&hits(&site.root, &["logs", "--limit", "100"]))
    );
}

/// Three incidents tagged `logging`, one of them about fluentd, and one of another tag.
fn logging_site() -> Site {
    let incident = |id: &str, date: &str, tag: &str, body: &str| {
        format!("---\nid: {id}\ndate: {date}\ntags: [{tag}]\n---\n# {id}\n\n{body}\n")
    };
    Site::with(&[
        (
            "content/a.md",
            &incident(
                "LOG-1",
                "2024-01-01",
                "logging",
                "Fluentd stopped shipping logs.",
            ),
        ),
        (
            "content/b.md",
            &incident("LOG-2", "2024-03-01", "logging", "Vector dropped logs."),
        ),
        (
            "content/c.md",
            &incident("LOG-3", "2024-02-01", "logging", "CloudWatch throttled us."),
        ),
        (
            "content/d.md",
            &incident("NET-1", "2024-04-01", "network", "A switch failed."),
        ),
    ])
}

#[test]
fn a_query_of_exclusions_only_lists_the_incidents_the_filters_choose_without_them_newest_first() {
    let site = logging_site();
    // As typed in a shell: the exclusion unquoted, before the filter.
    assert_eq!(
        ids(&hits(&site.root, &["-fluentd", "--tag", "logging"])),
        ["LOG-2", "LOG-3"]
    );
    assert_eq!(
        ids(&hits(&site.root, &["", "--tag", "logging"])),
        ["LOG-2", "LOG-3", "LOG-1"]
    );
    assert_eq!(
        ids(&hits(&site.root, &["--tag", "logging", "-fluentd -vector"])),
        ["LOG-3"]
    );
    // Nothing left: exit 0 and the query quoted, as for any query without results.
    let o = search(
        &site.root,
        &["-fluentd -vector -cloudwatch", "--tag", "logging"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim(),
        "No results for \"-fluentd -vector -cloudwatch\" among the incidents that match --tag logging."
    );
}

#[test]
fn a_query_of_exclusions_only_without_a_filter_is_a_usage_error_with_a_hint() {
    let site = logging_site();
    for query in ["-fluentd", "-fluentd -the", "  -fluentd  "] {
        let o = search(&site.root, &[query]);
        assert_eq!(o.status.code(), Some(2), "{query:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
        let err = stderr(&o);
        assert!(
            err.contains("only leaves words out: it has no word to search for"),
            "{err}"
        );
        assert!(
            err.contains("help: a word written -word leaves out the results that hold it"),
            "{err}"
        );
    }
    // An exclusion of stop words or punctuation leaves out nothing: the query has no word, as
    // an empty one has none.
    for query in ["-the", "-?!", "-"] {
        let err = stderr(&search(&site.root, &[query]));
        assert!(err.contains("has no word to search for"), "{query}: {err}");
        assert!(
            err.contains("help: give the words to look for"),
            "{query}: {err}"
        );
    }
    assert_eq!(
        ids(&hits(&site.root, &["logs -the -?!"])),
        ids(&hits(&site.root, &["logs"]))
    );
}
