//! `wellspring bench`: placeholder until the benchmark lands.

use clap::Args;

use crate::settings::Settings;

#[derive(Args, Debug)]
pub struct BenchArgs {}

pub async fn run(_args: BenchArgs, _settings: &Settings) -> anyhow::Result<()> {
    anyhow::bail!("the benchmark is not built yet")
}
