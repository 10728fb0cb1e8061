usage() {
	echo "usage: $0 [--scheduled]" >&2
	exit 2
}
if [ $# -gt 1 ]; then
	usage
fi
if [ $# -eq 1 ]; then
	if [ "$1" != --scheduled ]; then
		usage
	fi
	# Cron fires on more days than the period has: go on only on the period's days, those whose
	# number since 1970-01-01 (in local time, like cron) is a multiple of period_days.
	day=$(( $(date -u -d "$(date +%F)" +%s) / 86400 ))
	if [ $(( day % period_days )) -ne 0 ]; then
		exit 0
	fi
fi

defaults=()
if [ -n "${INFRAC_MYSQL_DEFAULTS_FILE:-}" ]; then
	defaults=("--defaults-file=$INFRAC_MYSQL_DEFAULTS_FILE")
fi

umask 077
mkdir -p -- "$backup_root"
exec 9>"$backup_root/.lock"
if ! flock -n 9; then
	echo "$0: a backup of $cluster is already running" >&2
	exit 1
fi

# A failed run leaves a .partial directory behind: it is never a base for later backups.
for partial in "$backup_root"/chain-*/*.partial; do
	rm -rf -- "$partial"
done

# The newest chain and its backups; a new chain when there is none or it is complete.
chains=("$backup_root"/chain-[0-9][0-9][0-9][0-9][0-9][0-9])
chain=
backups=()
if [ ${#chains[@]} -gt 0 ]; then
	chain=${chains[${#chains[@]}-1]}
	backups=("$chain"/[0-9][0-9][0-9][0-9][0-9][0-9])
fi
if [ -z "$chain" ] || [ ${#backups[@]} -ge "$chain_length" ]; then
	next=1
	if [ -n "$chain" ]; then
		next=$(( 10#${chain##*-} + 1 ))
	fi
	chain=$(printf '%s/chain-%06d' "$backup_root" "$next")
	mkdir -- "$chain"
	backups=()
fi

log=$backup_root/last-run.log
if [ ${#backups[@]} -eq 0 ]; then
	target=$chain/000001
	set -- "$target.partial"
else
	base=${backups[${#backups[@]}-1]}
	target=$(printf '%s/%06d' "$chain" $(( 10#${base##*/} + 1 )))
	set -- "$target.partial" "$base"
fi
# On failure (set -e) the trap shows the tools' output; cron mails it.
trap 'cat -- "$log" >&2; echo "$0: the backup of $cluster into $target failed" >&2' EXIT
take_backup "$@" >"$log" 2>&1
trap - EXIT
mv -- "$target.partial" "$target"

# Rotation: the newest $keep backups stay restorable with the chains they build on; every
# older chain is deleted.
chains=("$backup_root"/chain-[0-9][0-9][0-9][0-9][0-9][0-9])
i=${#chains[@]}
kept=0
while [ "$i" -gt 0 ] && [ "$kept" -lt "$keep" ]; do
	i=$(( i - 1 ))
	in_chain=("${chains[$i]}"/[0-9][0-9][0-9][0-9][0-9][0-9])
	kept=$(( kept + ${#in_chain[@]} ))
done
for old in "${chains[@]:0:i}"; do
	rm -rf -- "$old"
done
