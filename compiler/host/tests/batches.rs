//! Batches of units (`compile_batches`, what `infrac build` runs): a plugin that does not know
//! the `infrac.units` option gets every unit alone, with exactly what compiling the units one
//! by one gives; batches group consecutive units of one plugin and target.

use infrac_host::{
    CacheConfig, CompileOptions, Host, HostConfig, OutputFile, Plugin, Unit, batches,
    compile_batches, compile_units,
};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

fn wasm(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/plugins/wasm")
        .join(format!("{name}.wasm"));
    std::fs::read(path).expect("test plugin (run tests/plugins/build.sh)")
}

fn host() -> Host {
    Host::new(HostConfig {
        cache: CacheConfig::Disabled,
        ..HostConfig::default()
    })
    .expect("host")
}

fn unit<'a>(plugin: &'a Plugin, target: &str, unit: &str) -> Unit<'a> {
    Unit {
        plugin,
        options: CompileOptions {
            target: target.to_string(),
            unit: unit.to_string(),
            options: [("k".to_string(), "v".to_string())].into(),
        },
    }
}

fn files(
    results: Vec<Result<infrac_host::CompileOutput, infrac_host::PluginError>>,
) -> Vec<OutputFile> {
    results
        .into_iter()
        .flat_map(|r| r.expect("compiles").files)
        .collect()
}

#[test]
fn a_plugin_that_ignores_the_option_gets_each_unit_alone() {
    let host = host();
    // echo lists every option it is given in options.txt: a unit rendered inside a batch call
    // would show `infrac.units`.
    let echo = host.load("echo", &wasm("echo")).expect("echo");
    let names: Vec<String> = (0..7).map(|i| format!("dev{i}")).collect();
    let units: Vec<Unit<'_>> = names.iter().map(|n| unit(&echo, "echo", n)).collect();
    let alone = files(compile_units("{}", &units, &|_| {}));
    let groups = batches(&units, 2);
    assert_eq!(
        groups.iter().map(|b| b.units.len()).collect::<Vec<_>>(),
        [4, 3]
    );
    let done = AtomicUsize::new(0);
    let batched = files(compile_batches("{}", &groups, &|_, n, _| {
        done.fetch_add(n, Ordering::Relaxed);
    }));
    assert_eq!(done.load(Ordering::Relaxed), 7);
    assert_eq!(batched, alone);
    let listing = batched
        .iter()
        .find(|f| f.path == "dev0/options.txt")
        .expect("options.txt");
    assert_eq!(
        String::from_utf8_lossy(&listing.contents),
        "target=echo\nunit=dev0\nk=v\n"
    );
}

#[test]
fn batches_keep_plugins_targets_and_options_apart() {
    let host = host();
    let echo = host.load("echo", &wasm("echo")).expect("echo");
    let mut other = unit(&echo, "echo", "c");
    other
        .options
        .options
        .insert("k".to_string(), "w".to_string());
    let units = vec![
        unit(&echo, "echo", "a"),
        unit(&echo, "echo", "b"),
        other,
        unit(&echo, "echo", "d"),
    ];
    let groups = batches(&units, 1);
    let shape: Vec<Vec<&str>> = groups
        .iter()
        .map(|b| b.units.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(shape, [vec!["a", "b"], vec!["c"], vec!["d"]]);
    assert!(groups.iter().all(|b| b.options.unit.is_empty()));
}

#[test]
fn the_largest_batches_start_first_and_results_keep_batch_order() {
    let host = host();
    let echo = host.load("echo", &wasm("echo")).expect("echo");
    // Three option sets with 1, 2 and 3 units, in that order: one batch each.
    let units: Vec<Unit<'_>> = [("b1", 1), ("b2", 2), ("b3", 3)]
        .iter()
        .flat_map(|&(k, n)| (0..n).map(move |i| (k, format!("{k}-{i}"))))
        .map(|(k, u)| {
            let mut u = unit(&echo, "echo", &u);
            u.options.options.insert("k".to_string(), k.to_string());
            u
        })
        .collect();
    let groups = batches(&units, 1);
    assert_eq!(groups.len(), 3);
    let alone = files(compile_units("{}", &units, &|_| {}));
    // One thread: the calls start one after another, in the order the schedule picks.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let started = std::sync::Mutex::new(Vec::new());
    let batched = pool.install(|| {
        files(compile_batches("{}", &groups, &|b, _, _| {
            // Every call of a batch reports it (echo renders units alone): keep the first.
            let mut started = started.lock().expect("lock");
            let key = &b.options.options["k"];
            if started.last() != Some(key) {
                started.push(key.clone());
            }
        }))
    });
    assert_eq!(
        started.into_inner().expect("lock"),
        ["b3", "b2", "b1"],
        "most units first"
    );
    assert_eq!(batched, alone, "results in batch order");
}
