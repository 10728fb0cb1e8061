//! The host renders many units in one call (`Backend::compile_units`), and the plugin reads
//! the model without the sections the backend does not read (`Backend::READS`): each unit must come
//! out exactly as when it is rendered alone from the whole model, over the corpus and over
//! generated models (many sites, a large policy).

#[test]
fn a_batch_renders_every_unit_as_alone() {
    infrac_testkit::assert_batches_match_units_everywhere::<infrac_plugin_mysql::Mysql>(
        "MYSQL", "mysql",
    );
}
