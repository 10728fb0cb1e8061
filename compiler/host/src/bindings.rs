//! Bindings generated from `plugins/wit/backend.wit`.

wasmtime::component::bindgen!({
    path: "../../plugins/wit",
    world: "backend",
});
