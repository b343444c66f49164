#!/usr/bin/env bash
# Proof that the packages work for a consumer: pack KlDivergence (and the kl tool, when samples/KlCli exists) into a
# temporary feed, build and run a separate console app that references KlDivergence by PackageReference from that
# feed, and install and run the kl tool from it.
#
# - A unique pre-release version (0.1.0-ci.<timestamp>.<pid>) keeps a stale KlDivergence of the same version in the
#   NuGet global packages cache out of the way; that version is removed from the cache on exit.
# - The consumer's nuget.config only ADDS the temporary feed: without <clear/>, NuGet still reads the user's and the
#   machine's configuration, so MathNet.Numerics and System.Numerics.Tensors restore from whatever feed (or offline
#   cache) this machine is configured with. No feed URL is written here.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
base_version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/src/KlDivergence/KlDivergence.csproj" | head -n 1)"
version="${base_version:-0.1.0}-ci.$(date +%s).$$"
cache="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')"
cleanup() { rm -rf "$work" "$cache/kldivergence/$version" "$cache/kldivergence.cli/$version"; }
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

fail() { echo "pack-check: $*" >&2; exit 1; }

dotnet pack "$root/src/KlDivergence" -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet
test -f "$work/feed/KlDivergence.$version.nupkg" || fail "no KlDivergence.$version.nupkg"
test -f "$work/feed/KlDivergence.$version.snupkg" || fail "no KlDivergence.$version.snupkg (symbols)"
has_cli=false
if [ -f "$root/samples/KlCli/KlCli.csproj" ]; then
  has_cli=true
  dotnet pack "$root/samples/KlCli" -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet
  test -f "$work/feed/KlDivergence.Cli.$version.nupkg" || fail "no KlDivergence.Cli.$version.nupkg"
fi
echo "pack-check: packed $(cd "$work/feed" && echo *)"

# The consumer: a fresh console app outside the repository (no Directory.Build.props or central versions apply).
mkdir "$work/app"
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="kldivergence-pack-check" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat > "$work/app/app.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="KlDivergence" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$work/app/Program.cs" <<'CS'
using System.Globalization;
using KlDivergence.Distributions;
using KlDivergence.Divergences;

KlResult r = Kl.Divergence(new Normal(0, 2), new Normal(1, 4));
Console.WriteLine(r.ToScalar().ToString("F6", CultureInfo.InvariantCulture) + " " + r.Method);
CS
got="$(cd "$work/app" && dotnet run --nologo -v quiet)"
expected="$(awk 'BEGIN { printf "%.6f", log(2) + 5/32 - 0.5 }')"
[ "$got" = "$expected ClosedForm" ] || fail "the consumer app printed '$got', expected '$expected ClosedForm'"
echo "pack-check: a console app referencing KlDivergence $version from the package printed $got"

if $has_cli; then
  dotnet tool install --tool-path "$work/tools" --add-source "$work/feed" KlDivergence.Cli --version "$version" > /dev/null
  json="$("$work/tools/kl" divergence --p '{"family":"Normal","loc":0,"scale":2}' --q '{"family":"Normal","loc":1,"scale":4}')"
  value="$(printf '%s' "$json" | sed -n 's/.*"value": *\([-0-9.eE+]*\).*/\1/p')"
  [ -n "$value" ] || fail "no numeric value in the kl tool's answer: $json"
  case "$json" in *'"method": *"closed-form"'* | *'"method":"closed-form"'*) ;; *) fail "kl did not use the closed form: $json" ;; esac
  awk -v v="$value" -v e="$expected" 'BEGIN { d = v - e; exit !(d < 5e-7 && d > -5e-7) }' \
    || fail "the kl tool answered $value, expected $expected: $json"
  "$work/tools/kl" families | grep -q Normal || fail "kl families does not list Normal"
  echo "pack-check: the installed kl tool answered $json"
fi
echo "pack-check: OK"
