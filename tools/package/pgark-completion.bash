# bash completion for pgark (installed as /usr/share/bash-completion/completions/pgark)
_pgark() {
  local cur prev words cword
  _init_completion || return
  local commands="backup restore export import list validate drill delete prune decrypt schedule mcp"
  local globals="--db --backup-dir --json --quiet --verbose --help --version"
  local i command="" sub=""
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      --db|--backup-dir) ((i++)) ;;
      -*) ;;
      *) if [[ -z $command ]]; then command=${words[i]}; elif [[ -z $sub ]]; then sub=${words[i]}; fi ;;
    esac
  done
  case $prev in
    --backup-dir|--output|--token-file|--tls-cert|--tls-key|--jwks-file) _filedir; return ;;
    --on-conflict) COMPREPLY=($(compgen -W "error skip update" -- "$cur")); return ;;
    --type) COMPREPLY=($(compgen -W "full table incremental globals" -- "$cur")); return ;;
    --sort) COMPREPLY=($(compgen -W "date size" -- "$cur")); return ;;
    --compress) COMPREPLY=($(compgen -W "gzip zstd none" -- "$cur")); return ;;
  esac
  if [[ -z $command ]]; then
    COMPREPLY=($(compgen -W "$commands $globals" -- "$cur"))
    return
  fi
  local words_for
  case $command in
    backup) words_for="full table incremental globals --schema-only --data-only --compress --no-compress --compress-level --jobs --label --with-owners --statistics --with-globals --base" ;;
    restore) words_for="full table globals --drop-existing --on-conflict --target-db --jobs --create --with-globals --ignore-missing-roles --table --update-existing --map-tablespace" ;;
    export) words_for="json csv --where --limit --columns --ndjson" ;;
    import) words_for="json csv --on-conflict --has-headers --no-headers --map --conflict-columns --atomic" ;;
    list) words_for="--type --sort --limit --offset" ;;
    delete) words_for="--cascade" ;;
    prune) words_for="--dry-run --retention-days" ;;
    drill) words_for="--target-db --drill-db --keep --jobs" ;;
    decrypt) words_for="--output" ;;
    schedule) words_for="--full --incremental --drill" ;;
    mcp) words_for="--read-only --http --token-file --allowed-host --allowed-origin --tls-cert --tls-key --authorization-server --jwks-file --resource --max-sessions --session-idle" ;;
  esac
  COMPREPLY=($(compgen -W "$words_for $globals" -- "$cur"))
}
complete -F _pgark pgark
