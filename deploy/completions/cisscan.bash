# bash completion for cisscan: commands, their options, and file names where a file is expected.
_cisscan() {
    local cur prev words cword
    _init_completion || return
    local commands="scan report lint list history diff gate"
    local command=""
    local i
    for ((i = 1; i < cword; i++)); do
        case "${words[i]}" in
            scan|report|lint|list|history|diff|gate) command=${words[i]}; break ;;
        esac
    done
    case "$prev" in
        -i|--inventory|--identity|-c|--checks|--controls|--known-hosts|--ssh-config|--risk|--waivers|\
        --attestations|--prometheus|--gate|--baseline|--dump-scripts|-o|--out)
            _filedir; return ;;
        -f|--format)
            COMPREPLY=($(compgen -W "json junit html md csv prom" -- "$cur")); return ;;
        --profile)
            COMPREPLY=($(compgen -W "level1-server level2-server level1-workstation" -- "$cur")); return ;;
        --ig)
            COMPREPLY=($(compgen -W "1 2 3" -- "$cur")); return ;;
        --fail-on)
            COMPREPLY=($(compgen -W "new-failures unacceptable-risk unacceptable-risk-strict" -- "$cur")); return ;;
    esac
    if [[ -z $command ]]; then
        COMPREPLY=($(compgen -W "$commands --help --version -q -v" -- "$cur"))
        return
    fi
    case "$command" in
        scan) COMPREPLY=($(compgen -W "--inventory --identity --checks --controls --out --format --jobs
            --shard --profile --only --skip --known-hosts --ssh-config --accept-new-host-keys --connect-timeout
            --host-timeout --output-cap --host-output-limit --operator --dump-scripts --risk
            --waivers --attestations --as-of --store --prometheus --fail-under --baseline --baseline-missing
            --fail-on --gate" -- "$cur")) ;;
        report) COMPREPLY=($(compgen -W "--format --out --controls --risk --waivers
            --attestations --as-of" -- "$cur")); [[ $cur != -* ]] && _filedir json ;;
        lint) _filedir ;;
        list) COMPREPLY=($(compgen -W "checks probes operators safeguards --checks --controls
            --profile --only --skip --ig --format" -- "$cur")) ;;
        history) COMPREPLY=($(compgen -W "--store --format --export --import --prune --keep" -- "$cur")) ;;
        diff) COMPREPLY=($(compgen -W "--store --format" -- "$cur")); [[ $cur != -* ]] && _filedir json ;;
        gate) COMPREPLY=($(compgen -W "--fail-under --baseline --baseline-missing --fail-on --gate --store" -- "$cur"))
            [[ $cur != -* ]] && _filedir json ;;
    esac
}
complete -F _cisscan cisscan
