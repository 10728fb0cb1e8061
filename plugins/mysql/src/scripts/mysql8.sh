# take_backup TARGET [BASE]: a full dump into TARGET, or into TARGET the binary logs written
# since BASE. Each backup records in last-binlog the number of the last binary log it covers.
take_backup() {
	mkdir -- "$1"
	if [ $# -eq 1 ]; then
		# With --source-data, --flush-logs starts a new binary log at the dump's snapshot.
		mysqldump "${defaults[@]}" --single-transaction --source-data=2 --flush-logs \
			--all-databases --routines --events --triggers --result-file="$1/dump.sql"
		local first
		first=$(sed -n "s/^-- CHANGE \(REPLICATION SOURCE\|MASTER\) TO \(SOURCE\|MASTER\)_LOG_FILE='\([^']*\)'.*/\3/p" "$1/dump.sql")
		first=${first%%$'\n'*}
		if [ -z "$first" ]; then
			echo "$0: no binary log position in $1/dump.sql" >&2
			return 1
		fi
		echo $(( 10#${first##*.} - 1 )) >"$1/last-binlog"
		return
	fi
	local last listing closed=() wanted=() log
	last=$(cat -- "$2/last-binlog")
	mysql "${defaults[@]}" -e 'FLUSH BINARY LOGS'
	listing=$(mysql "${defaults[@]}" --batch --skip-column-names -e 'SHOW BINARY LOGS' | cut -f 1)
	if [ -z "$listing" ]; then
		echo "$0: the server writes no binary log" >&2
		return 1
	fi
	mapfile -t closed <<<"$listing"
	# Every log after the last saved must still be there, or the chain has a gap.
	if [ $(( 10#${closed[0]##*.} )) -gt $(( last + 1 )) ]; then
		echo "$0: binary logs after number $last were purged before they were saved;" \
			"move ${2%/*} away to start a new chain" >&2
		return 1
	fi
	# The newest log is still being written; every older one after the last saved is wanted.
	closed=("${closed[@]:0:${#closed[@]}-1}")
	for log in "${closed[@]}"; do
		if [ $(( 10#${log##*.} )) -gt "$last" ]; then
			wanted+=("$log")
		fi
	done
	if [ ${#wanted[@]} -gt 0 ]; then
		mysqlbinlog "${defaults[@]}" --read-from-remote-server --raw --result-file="$1/" \
			"${wanted[@]}"
		last=$(( 10#${wanted[${#wanted[@]}-1]##*.} ))
	fi
	echo "$last" >"$1/last-binlog"
}
