//! The host renders many units in one call (`Backend::compile_units`, with the model's flows
//! indexed once): each unit must come out exactly as when it is rendered alone, over the
//! corpus and over generated models (many sites, a large policy).

use infrac_gen::{policy, sites};
use infrac_testkit::{assert_batch_matches_units, corpus, model_from_str, model_of};

type B = infrac_plugin_nftables::Nftables;

#[test]
fn a_batch_renders_every_unit_as_alone() {
    for (name, dir) in corpus("NFT") {
        assert_batch_matches_units::<B>(&name, &model_of(&dir), "nftables");
    }
    let sites = sites::generate(&sites::Sites {
        sites: 3,
        ..sites::Sites::default()
    })
    .expect("valid parameters");
    assert_batch_matches_units::<B>("sites", &model_from_str(&sites), "nftables");
    let policy = policy::generate(&policy::Params {
        rules: 150,
        objects: 60,
        services: 20,
        ..policy::Params::default()
    })
    .expect("valid parameters");
    assert_batch_matches_units::<B>("policy", &model_from_str(&policy.infra()), "nftables");
}
