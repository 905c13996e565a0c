//! The conformance suite's cases, listed once for the test binaries that run them on each
//! backend (`conformance.rs` on the embedded ones, `postgres/conformance.rs` on PostgreSQL).
//! `with_conformance_cases!(suite)` expands to `suite!(case, case, …)`, one test per case; each
//! suite also checks the list against `conformance::CASES`, so a case added to the suite and not
//! here fails.

macro_rules! with_conformance_cases {
    ($suite:ident) => {
        $suite!(
            appended_events_read_back_in_order,
            sequences_are_global_and_versions_per_stream,
            a_conflict_writes_nothing_of_the_batch,
            expected_version_variants_are_enforced,
            a_retried_append_with_its_key_is_a_noop,
            a_key_reused_for_another_batch_is_refused,
            an_empty_append_changes_nothing,
            invalid_input_is_refused,
            reads_are_paged,
            metadata_and_payload_round_trip,
            event_types_lists_each_stored_pair_once,
            the_latest_snapshot_replaces_older_ones,
            checkpoints_round_trip,
            the_chain_links_every_event_to_the_previous_one,
            compaction_archives_and_keeps_the_chain_whole,
        );
    };
}
