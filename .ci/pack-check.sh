#!/usr/bin/env bash
# Proof that the packages work for a consumer: pack KlDivergence and the kl tool into a temporary feed, build and
# run a separate console app that references KlDivergence by PackageReference from that feed, and install and run
# the kl tool from it. A unique pre-release version keeps a stale copy in the NuGet cache out of the way.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
version="0.1.0-ci.$(date +%s)"
cache="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')"
trap 'rm -rf "$work" "$cache/kldivergence/$version" "$cache/kldivergence.cli/$version"' EXIT

dotnet pack "$root/src/KlDivergence" -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet
dotnet pack "$root/samples/KlCli" -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet
test -f "$work/feed/KlDivergence.$version.nupkg"
test -f "$work/feed/KlDivergence.$version.snupkg"

mkdir "$work/app"
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local-ci-feed" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat > "$work/app/app.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="KlDivergence" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$work/app/Program.cs" <<'CS'
using KlDivergence.Distributions;
using KlDivergence.Divergences;

var r = Kl.Divergence(new Normal(0, 2), new Normal(1, 4));
System.Console.WriteLine(r.ToScalar().ToString("F6", System.Globalization.CultureInfo.InvariantCulture));
CS
got="$(cd "$work/app" && dotnet run --nologo -v quiet)"
expected="$(awk 'BEGIN { printf "%.6f", log(2) + 5/32 - 0.5 }')"
if [ "$got" != "$expected" ]; then
  echo "pack-check: the consumer app printed '$got', expected $expected" >&2
  exit 1
fi
echo "pack-check: a consumer app referencing KlDivergence $version from the package printed $got"

dotnet tool install --tool-path "$work/tools" --add-source "$work/feed" KlDivergence.Cli --version "$version" > /dev/null
json="$("$work/tools/kl" divergence --p '{"family":"Normal","loc":0,"scale":2}' --q '{"family":"Normal","loc":1,"scale":4}')"
case "$json" in
  *'"value":0.34939718'*'"method":"closed-form"'*) echo "pack-check: the installed kl tool answered $json" ;;
  *) echo "pack-check: unexpected kl output: $json" >&2; exit 1 ;;
esac
