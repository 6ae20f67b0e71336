//! `mprconfig-conformance`: one black-box suite of [`RouterConfig`] behaviours, run against
//! every backend (the in-memory registry, the embedded SQLite store, the remote client).
//!
//! It is written from the specification (`docs/spec/mprconfig-api.md`, `docs/spec/registry-layout.md`)
//! and the trait alone, never from an implementation, so it is the independent check that local
//! and remote configurations behave identically and as Windows documents. Where the
//! documentation is silent, the behaviour pinned down is the recommended answer of spec §5
//! (Q1-Q27); each behaviour's doc comment names its source.
//!
//! A backend crate runs the whole suite with one line in a test file:
//!
//! ```ignore
//! mprconfig_conformance::conformance_suite!(make_backend());
//! ```
//!
//! where `make_backend()` returns a `Box<dyn Backend>` over a fresh configuration that was
//! installed with [`test_links`]. Every behaviour is a plain function `fn(&dyn Backend)` in one of
//! the modules below; the list of behaviours lives in one place ([`for_each_behaviour!`]), so
//! adding a behaviour adds it to every backend.

use mprconfig_core::{NetLink, RouterConfig};

pub mod blobs;
pub mod custom_info;
pub mod enumeration;
pub mod filters;
pub mod if_transports;
pub mod interfaces;
pub mod lifecycle;
pub mod names;
pub mod server;
pub mod support;
pub mod transports;
pub mod validation;
pub mod visibility;

/// A backend under test: a fresh router configuration that each `connect()` opens again
/// (several connections to the same configuration, like several processes or clients).
pub trait Backend: Send + Sync {
    /// Opens one more connection (`MprConfigServerConnect`) to this backend's configuration.
    fn connect(&self) -> Box<dyn RouterConfig>;
}

/// The machine id the suite's link GUIDs are derived from.
pub const TEST_MACHINE: &str = "conformance-machine";

/// The links every fresh configuration was installed with (`install(&test_links())`): `lo`
/// (loopback), `eth0` and `eth1`, with GUIDs from
/// `mprconfig_core::layout::link_guid(TEST_MACHINE, name)`.
pub fn test_links() -> Vec<NetLink> {
    [("lo", true), ("eth0", false), ("eth1", false)]
        .into_iter()
        .map(|(name, is_loopback)| NetLink {
            name: name.to_string(),
            guid: mprconfig_core::layout::link_guid(TEST_MACHINE, name),
            is_loopback,
        })
        .collect()
}

/// Calls `$callback! { $($args)* ; module::behaviour, ... }` with every behaviour of the suite.
///
/// This is the one list of behaviours: [`conformance_suite!`] and [`all_behaviours`] are both
/// generated from it.
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_behaviour {
    ($callback:ident ! ( $($args:tt)* )) => {
        $crate::$callback! { $($args)* ;
            // interfaces
            interfaces::interface_create_level0_round_trips_every_field,
            interfaces::interface_create_level1_round_trips_dialout_hours,
            interfaces::interface_create_disabled_reports_admin_disabled,
            interfaces::interface_create_round_trips_every_creatable_type,
            interfaces::interface_create_ignores_runtime_fields,
            interfaces::interface_names_with_unusual_characters_round_trip,
            interfaces::interface_create_duplicate_name_any_case_is_904,
            interfaces::interface_create_bad_names_are_87,
            interfaces::interface_create_bad_dialout_hours_is_87,
            interfaces::interface_get_handle_is_case_insensitive,
            interfaces::interface_names_use_simple_case_folding,
            interfaces::interface_get_handle_unknown_name_is_905,
            interfaces::interface_stale_handle_after_delete_is_905,
            interfaces::interface_handle_of_replaced_interface_is_905,
            interfaces::interface_handles_work_across_connections,
            interfaces::interface_set_info_level0_changes_only_enabled,
            interfaces::interface_set_info_level1_sets_and_clears_dialout_hours,
            interfaces::interface_set_info_levels_2_and_3_act_like_level1,
            interfaces::interface_set_info_ignores_name_type_and_runtime_fields,
            interfaces::interface_set_info_bad_level_is_87,
            interfaces::interface_set_info_bad_dialout_hours_is_87,
            interfaces::interface_set_info_disabling_dedicated_or_internal_is_87,
            interfaces::interface_set_info_noop_on_dedicated_is_ok,
            interfaces::interface_delete_removes_its_transports,
            interfaces::interface_new_has_no_transports,
            interfaces::interface_concurrent_creates_of_one_name_succeed_once,
            interfaces::interface_one_connection_is_usable_from_many_threads,
            // enumeration
            enumeration::enum_interfaces_pages_cover_everything_once,
            enumeration::enum_interfaces_after_deletes_has_no_gaps_or_duplicates,
            enumeration::enum_interfaces_entries_match_get_info,
            enumeration::enum_interfaces_resume_past_end_is_259,
            enumeration::enum_interfaces_zero_max_entries_returns_one,
            enumeration::enum_transports_pages_cover_everything_once,
            enumeration::enum_transports_resume_past_end_is_259,
            enumeration::enum_transports_empty_first_call_is_ok,
            enumeration::enum_if_transports_pages_cover_everything_once,
            enumeration::enum_if_transports_empty_first_call_is_ok,
            enumeration::enum_if_transports_resume_past_end_is_259,
            // interface-transports
            if_transports::if_transport_add_default_names,
            if_transports::if_transport_add_explicit_name,
            if_transports::if_transport_long_name_is_truncated_to_40,
            if_transports::if_transport_get_info_is_byte_identical,
            if_transports::if_transport_add_again_updates_the_blob,
            if_transports::if_transport_get_handle_missing_is_905,
            if_transports::if_transport_set_info_replaces_the_blob,
            if_transports::if_transport_remove_then_handle_is_905,
            if_transports::if_transport_malformed_blob_on_add_is_87,
            if_transports::if_transport_malformed_blob_on_set_is_87,
            if_transports::if_transport_add_without_blob_reads_none,
            if_transports::if_transport_does_not_need_a_global_transport,
            if_transports::if_transport_belongs_to_one_interface,
            if_transports::if_transport_handles_work_across_connections,
            if_transports::if_transport_name_clash_never_touches_another_transport,
            // transports
            transports::transport_create_round_trips_every_item,
            transports::transport_create_default_names,
            transports::transport_long_name_is_truncated_to_40,
            transports::transport_create_existing_updates_it,
            transports::transport_get_handle_missing_is_902,
            transports::transport_set_info_none_leaves_items_unchanged,
            transports::transport_delete_then_handle_is_902,
            transports::transport_delete_leaves_interface_transports,
            transports::transport_create_without_blobs_reads_none,
            transports::transport_malformed_blob_on_create_is_87,
            transports::transport_malformed_blob_on_set_is_87_and_changes_nothing,
            transports::transport_name_clash_never_touches_another_transport,
            // server
            server::server_get_info_runtime_fields_and_totals,
            server::server_set_info_level1_round_trips,
            server::server_set_info_level2_round_trips,
            server::server_set_info_port_limits_are_accepted,
            server::server_set_info_bad_ports_or_flags_are_87,
            server::server_set_info_bad_level_is_50,
            server::server_info_ex_matches_server_info,
            server::server_set_info_ex_round_trips_each_protocol,
            server::server_set_info_ex_unset_bits_leave_values_alone,
            server::server_set_info_ex_invalid_values_are_87,
            // custom info
            custom_info::custom_info_full_router_round_trips_every_field,
            custom_info::custom_info_none_stored_reads_flags_0,
            custom_info::custom_info_set_replaces_and_clears,
            custom_info::custom_info_non_full_router_set_is_87,
            custom_info::custom_info_out_of_range_values_are_87,
            // filters
            filters::filter_set_get_per_transport,
            filters::filter_unknown_transport_is_902,
            filters::filter_works_on_a_created_transport,
            // names
            names::names_translate_installed_links,
            names::names_guid_lookup_is_case_insensitive,
            names::names_unknown_are_1168,
            names::names_demand_dial_interfaces_map_to_themselves,
            names::names_every_guid_form_translates_to_the_link_name,
            names::names_garbage_around_guid_names_is_1168,
            names::names_guid_like_interface_names_follow_q23,
            // install, backup, restore, refresh
            lifecycle::install_creates_the_default_tree,
            lifecycle::install_writes_the_windows_default_transports_and_blobs,
            lifecycle::install_resets_a_changed_configuration,
            lifecycle::backup_restore_gives_back_the_backed_up_state,
            lifecycle::backup_after_restore_is_identical,
            lifecycle::restore_backup_of_another_configuration,
            lifecycle::restore_garbage_changes_nothing,
            lifecycle::restore_truncated_backup_changes_nothing,
            lifecycle::refresh_keeps_valid_handles,
            // order of checks
            validation::argument_errors_come_before_missing_interface_errors,
            validation::argument_errors_come_before_missing_transport_errors,
            // visibility between connections
            visibility::created_interface_is_found_by_another_connection,
            visibility::deleted_interface_is_gone_for_another_connection,
            visibility::changes_are_seen_by_another_connection,
            visibility::transport_and_server_changes_are_seen_by_another_connection,
            visibility::enumeration_is_consistent_under_a_concurrent_writer,
        }
    };
}

/// Generates one `#[test]` per behaviour (internal; use [`conformance_suite!`]).
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_tests {
    ($make:expr ; $($module:ident :: $name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let backend: ::std::boxed::Box<dyn $crate::Backend> = $make;
                $crate::$module::$name(&*backend);
            }
        )*
    };
}

/// Builds the table of [`all_behaviours`] (internal).
#[doc(hidden)]
#[macro_export]
macro_rules! __behaviour_table {
    ( ; $($module:ident :: $name:ident),* $(,)?) => {
        &[ $( (concat!(stringify!($module), "::", stringify!($name)), $crate::$module::$name as $crate::Behaviour) ),* ]
    };
}

/// Generates one `#[test] fn <behaviour>()` per behaviour of the suite. `$make` is an
/// expression of type `Box<dyn Backend>`, evaluated once per test for a fresh configuration
/// installed with [`test_links`].
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::for_each_behaviour!(__conformance_tests!($make));
    };
}

/// One behaviour of the suite: it panics when the backend does not behave as specified.
pub type Behaviour = fn(&dyn Backend);

/// Every behaviour of the suite with its `module::name`, for runners that are not `#[test]`s.
pub fn all_behaviours() -> &'static [(&'static str, Behaviour)] {
    for_each_behaviour!(__behaviour_table!())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaviour_names_are_unique() {
        let mut names: Vec<&str> = all_behaviours()
            .iter()
            .map(|(n, _)| n.split("::").nth(1).unwrap())
            .collect();
        let len = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), len, "two behaviours share a test name");
    }
}
